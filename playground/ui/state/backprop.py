"""Starts the backpropagation walk-through of one data-set sample as a task, on a snapshot of
the trainer's weights (and, while paused, its optimizer's state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.data.ref import REGRESSION
from playground.core.errors import PlaygroundError
from playground.ui.state.tasks import stateless

if TYPE_CHECKING:
    from playground.ui.state.tasks import Task, TaskSlot
    from playground.ui.state.workspace import Workspace


def sample(ws: Workspace, index: int) -> tuple:
    """(input as the network gets it, label) of validation sample index."""
    d = ws.dataset
    if d is None:
        raise PlaygroundError("Choose a data set first.")
    if d.task == REGRESSION:
        raise PlaygroundError(
            "The walk-through follows a class's probability through cross-entropy; this data "
            "set's network predicts a number: choose a data set of classes to walk through."
        )
    return d.x_val[index].cpu().numpy(), int(d.y_val[index])


def start_walkthrough(ws: Workspace, slot: TaskSlot, index: int) -> Task:
    """The walk-through of validation sample index; PlaygroundError saying why not."""
    s, d = ws.session, ws.dataset
    x, label = sample(ws, index)
    if s.weights_for(ws.document.spec) is None:
        raise PlaygroundError(
            "The network has no trained weights yet: press Step (F10) once, or train it, "
            "then walk through its numbers."
        )
    resting = s.resting_copy()
    weights, optimizer_state = resting if resting is not None else (s.current_weights(), None)
    if weights is None:
        raise PlaygroundError("The network has no weights yet: press Step (F10) or Train.")
    args = (s.spec, d.num_classes, weights, x, label, ws.config, d.class_names, optimizer_state)
    from playground.core.inspect.walkthrough import walk_through

    return slot.start("Walking through backpropagation", stateless(walk_through), *args)
