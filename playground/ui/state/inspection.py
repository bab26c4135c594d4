"""Views of trained weights when no run is going: the weights, filters, feature maps, boundary
and confusion matrix are computed from the session's weights as a task, and announced through
the session's own signals, as a running trainer would report them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from playground.ui.state.tasks import stateless

if TYPE_CHECKING:
    from playground.ui.state.workspace import Workspace


class WeightsDrawing(QObject):
    """Draws the session's resting weights for the views; a change of the weights or of the
    probes replaces the drawing under way."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.ws = workspace
        self._slot = workspace.tasks.slot()
        s = workspace.session
        s.weightsChanged.connect(self.refresh)
        s.probesChanged.connect(self.refresh)

    def refresh(self, *_: object) -> None:
        """Compute what the views show of the current weights, unless a run reports it."""
        self._slot.cancel()
        ws, s, d = self.ws, self.ws.session, self.ws.dataset
        recipe = ws.recipe()
        weights = s.weights_for(ws.document.spec)
        if s.busy or weights is None or recipe is None or not ws.ready:
            return
        if len(recipe[0]) != ws.document.num_classes:
            return  # weights of another data set: nothing true to show
        from playground.core.inspect.probes import inspect_snapshot

        h = s.history
        n, pre = ws.document.num_classes, recipe[1]
        args = (s.spec, n, pre, weights, h.last_step, h.epochs_done, s.probes, d)
        task = self._slot.start("Drawing the trained network", stateless(inspect_snapshot), *args)
        task.done.connect(self._announce)

    def _announce(self, events: list) -> None:
        s = self.ws.session
        if s.busy:
            return  # a run started meanwhile: it reports what it draws itself
        for event in events:
            s.announce(event)
