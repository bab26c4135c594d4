"""Starts the backpropagation walk-through of one data-set sample as a task, on a snapshot of
the trainer's weights (and, while paused, its optimizer's state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.errors import PlaygroundError

if TYPE_CHECKING:
    from playground.ui.state.tasks import Task
    from playground.ui.state.workspace import Workspace


def _walk(spec, classes, weights, x, label, config, names, optimizer_state, _state):
    from playground.core.inspect.walkthrough import walk_through
    from playground.core.training.device import set_torch_threads

    set_torch_threads(1)
    return walk_through(spec, classes, weights, x, label, config, names, optimizer_state)


def sample(ws: Workspace, index: int) -> tuple:
    """(input as the network gets it, label) of validation sample index."""
    d = ws.dataset
    if d is None:
        raise PlaygroundError("Choose a data set first.")
    return d.x_val[index].cpu().numpy(), int(d.y_val[index])


def start_walkthrough(ws: Workspace, index: int) -> Task:
    """The walk-through of validation sample index; PlaygroundError saying why not."""
    s, d = ws.session, ws.dataset
    x, label = sample(ws, index)
    if s.spec is None or s.spec != ws.document.spec:
        raise PlaygroundError(
            "The network has no trained weights yet: press Step (F10) once, or train it, "
            "then walk through its numbers."
        )
    resting = s.resting_copy()
    weights, optimizer_state = resting if resting is not None else (s.current_weights(), None)
    if weights is None:
        raise PlaygroundError("The network has no weights yet: press Step (F10) or Train.")
    args = (s.spec, d.num_classes, weights, x, label, ws.config, d.class_names, optimizer_state)
    return ws.tasks.start("Walking through backpropagation", _walk, *args)
