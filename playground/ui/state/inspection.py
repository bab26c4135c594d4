"""Views of trained weights when no run is going: the weights, filters, feature maps, boundary
and confusion matrix are computed from the session's weights as a task, and announced through
the session's own signals, as a running trainer would report them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from playground.ui.state.workspace import Workspace


def _inspect(spec, classes, pre, weights, step, epoch, request, data, _state) -> list:
    from playground.core.inspect.inference import inference_model
    from playground.core.inspect.probes import inspect_weights
    from playground.core.training.device import set_torch_threads

    set_torch_threads(1)
    model = inference_model(spec, classes, weights)
    return inspect_weights(model, pre, step, epoch, request, data)


class Inspector(QObject):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.ws = workspace
        s = workspace.session
        s.weightsChanged.connect(self.refresh)
        s.probesChanged.connect(self.refresh)
        self._pending: tuple | None = None

    def refresh(self) -> None:
        """Compute what the views show of the current weights, unless a run reports it."""
        ws, s, d = self.ws, self.ws.session, self.ws.dataset
        recipe = ws.recipe()
        if s.busy or s.weights is None or recipe is None or s.spec is None or not ws.ready:
            return
        if len(recipe[0]) != ws.document.num_classes or s.spec != ws.document.spec:
            return  # weights of another network or data set: nothing true to show
        key = (s.weights_key(), s.probes.key(), id(d))
        if key == self._pending:
            return  # the same drawing is already being made
        self._pending = key
        h = s.history
        n, pre = ws.document.num_classes, recipe[1]
        args = (s.spec, n, pre, s.weights, h.last_step, h.epochs_done, s.probes, d)
        task = ws.tasks.start("Drawing the trained network", _inspect, *args)
        task.done.connect(lambda events: self._announce(key, events))
        task.ended.connect(lambda: self._ended(key))

    def _ended(self, key: tuple) -> None:
        if self._pending == key:
            self._pending = None

    def _announce(self, key: tuple, events: list) -> None:
        s = self.ws.session
        if s.weights_key() == key[0] and not s.busy:  # still the weights they were made of
            for event in events:
                s.announce(event)
