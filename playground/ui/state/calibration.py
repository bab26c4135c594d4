"""The stranger warning's calibration of newly trained weights, made off the GUI thread after
a run (on the training thread it would delay every Stop and every closing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.ui.state.tasks import Task, checked

if TYPE_CHECKING:
    from playground.ui.state.workspace import Workspace


def calibrate(ws: Workspace) -> Task | None:
    """Calibrate the session's weights on the data set's validation samples; the result joins
    the weights it was made for (see TrainingSession.set_familiarity)."""
    s, d = ws.session, ws.dataset
    weights, spec = s.weights, s.spec
    if weights is None or spec is None or d is None:
        return None

    from playground.core.inspect.inference import snapshot_familiarity

    args = (spec, d.num_classes, weights, d.x_val)
    task = ws.tasks.start("Calibrating the stranger warning", checked(snapshot_familiarity), *args)
    task.done.connect(lambda familiarity: s.set_familiarity(weights, familiarity))
    task.failed.connect(
        lambda e: ws.error.emit(f"Could not calibrate the stranger warning ({e}): it stays off")
    )
    return task
