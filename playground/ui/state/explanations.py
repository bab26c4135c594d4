"""Why this answer, computed off the GUI thread: the four attribution maps of one picture and
class, one task after another (the quick ones first), on a model built from a weight snapshot
so that nothing else ever runs through it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.core.errors import one_line
from playground.ui.state.tasks import checked

if TYPE_CHECKING:
    from playground.ui.state.workspace import Workspace

ORDER = ("saliency", "gradcam", "ig", "occlusion")  # quick first: occlusion takes longest


class Explanations(QObject):
    """Asks for the maps of (picture, class); the answers come back as signals. The maps are
    made one after another in one task slot: a new request replaces the old one's task, so a
    map of an earlier picture never arrives."""

    started = Signal(str)  # method
    ready = Signal(str, object)  # method, Explanation
    unavailable = Signal(str, str)  # method, why (one line)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self._slot = workspace.tasks.slot()

    def request(self, picture: np.ndarray, target: int) -> None:
        """Explain target's score for picture (C×H×W in [0, 1], as preprocess makes it)."""
        self.cancel()
        s, recipe = self.ws.session, self.ws.recipe()
        weights = s.weights_for(self.ws.document.spec)
        if weights is None or recipe is None:
            for method in ORDER:
                self.unavailable.emit(method, "Classify an image with a trained network first")
            return
        job = (s.spec, len(recipe[0]), weights, picture, recipe[1], target)
        self._next(0, job, None)

    def cancel(self) -> None:
        """Forget the request under way (its task, if running, ends unheard)."""
        self._slot.cancel()

    def _next(self, index: int, job: tuple, model: Any) -> None:
        if index == len(ORDER):
            return
        # torch: loaded once there are weights
        from playground.core.inspect.explain import METHODS, explain_snapshot

        method = ORDER[index]
        self.started.emit(method)
        title = f"Explaining: {METHODS[method][0]}"
        task = self._slot.start(title, checked(explain_snapshot), method, job, model)

        def done(result: tuple) -> None:
            model, answer = result
            if isinstance(answer, str):
                self.unavailable.emit(method, answer)
            else:
                self.ready.emit(method, answer)
            self._next(index + 1, job, model)

        def failed(e: BaseException) -> None:
            reason = one_line(e)
            self.unavailable.emit(method, reason)
            self._next(index + 1, job, model)

        def cancelled() -> None:  # with the strip's Cancel button: the rest is not wanted
            for rest in ORDER[index:]:
                self.unavailable.emit(rest, "Cancelled")

        task.done.connect(done)
        task.failed.connect(failed)
        task.cancelled.connect(cancelled)
