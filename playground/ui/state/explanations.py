"""Why this answer, computed off the GUI thread: the four attribution maps of one picture and
class, one task after another (the quick ones first), on a model built from a weight snapshot
so that nothing else ever runs through it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.core.errors import PlaygroundError
from playground.ui.state.tasks import Task, TaskState

if TYPE_CHECKING:
    from playground.ui.state.workspace import Workspace

ORDER = ("saliency", "gradcam", "ig", "occlusion")  # quick first: occlusion takes longest


class Explanations(QObject):
    """Asks for the maps of (picture, class); the answers come back as signals, each tagged
    with the request it answers, so a late answer to an old request is dropped."""

    started = Signal(str)  # method
    ready = Signal(str, object)  # method, Explanation
    unavailable = Signal(str, str)  # method, why (one line)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self._request = 0
        self._task: Task | None = None

    def request(self, picture: np.ndarray, target: int) -> None:
        """Explain target's score for picture (C×H×W in [0, 1], as preprocess makes it)."""
        self.cancel()
        s, recipe = self.ws.session, self.ws.recipe()
        weights = s.current_weights()
        if weights is None or recipe is None or s.spec != self.ws.document.spec:
            for method in ORDER:
                self.unavailable.emit(method, "Classify an image with a trained network first")
            return
        job = (s.spec, len(recipe[0]), weights, picture, recipe[1], target)
        self._next(self._request, 0, job, None)

    def cancel(self) -> None:
        """Forget the request under way (its task, if running, ends unheard)."""
        self._request += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _next(self, request: int, index: int, job: tuple, model: Any) -> None:
        if request != self._request or index == len(ORDER):
            return
        from playground.core.inspect.explain import METHODS  # torch: loaded once there are weights

        method = ORDER[index]
        self.started.emit(method)
        title = f"Explaining: {METHODS[method][0]}"
        task = self._task = self.ws.tasks.start(title, _explain, method, job, model)

        def done(result: tuple) -> None:
            model, answer = result
            if isinstance(answer, str):
                self.unavailable.emit(method, answer)
            else:
                self.ready.emit(method, answer)
            self._next(request, index + 1, job, model)

        def failed(e: BaseException) -> None:
            reason = str(e) if isinstance(e, PlaygroundError) else f"{type(e).__name__}: {e}"
            self.unavailable.emit(method, reason)
            self._next(request, index + 1, job, model)

        def cancelled() -> None:  # with the strip's Cancel button: the rest is not wanted
            for rest in ORDER[index:]:
                self.unavailable.emit(rest, "Cancelled")

        task.done.connect(lambda r: request == self._request and done(r))
        task.failed.connect(lambda e: request == self._request and failed(e))
        task.cancelled.connect(lambda: request == self._request and cancelled())


def _explain(method: str, job: tuple, model: Any, state: TaskState) -> tuple[Any, Any]:
    """(the model, method's Explanation or why it cannot be made for this network); the model
    is built from the snapshot by the first method and handed on to the next."""
    from playground.core.inspect.explain import ExplainError, explain
    from playground.core.inspect.inference import inference_model
    from playground.core.training.device import set_torch_threads

    set_torch_threads(1)  # beside the training thread's team (see set_torch_threads)
    spec, classes, weights, picture, pre, target = job
    if model is None:
        model = inference_model(spec, classes, weights)
    state.check()
    # a cancel ends the task within one forward pass: occlusion and Integrated Gradients run
    # hundreds of them, tens of seconds on a pretrained network on a CPU
    hook = model.register_forward_pre_hook(lambda *_: state.check())
    try:
        return model, explain(model, picture, pre, method, target)
    except ExplainError as e:  # expected (Grad-CAM of a network without convolutions)
        return model, str(e)
    finally:
        hook.remove()
