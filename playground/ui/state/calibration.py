"""The stranger warning's calibration of newly trained weights, made off the GUI thread after
a run (on the training thread it would delay every Stop and every closing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.ui.state.tasks import Task, TaskState

if TYPE_CHECKING:
    from playground.core.inspect.familiarity import Familiarity
    from playground.ui.state.workspace import Workspace


def calibrate(ws: Workspace) -> Task | None:
    """Calibrate the session's weights on the data set's validation samples; the result joins
    the weights it was made for (see TrainingSession.set_familiarity)."""
    s, d = ws.session, ws.dataset
    weights, spec = s.weights, s.spec
    if weights is None or spec is None or d is None:
        return None

    def work(state: TaskState) -> Familiarity | None:
        from playground.core.inspect.familiarity import fit_familiarity
        from playground.core.inspect.inference import inference_model
        from playground.core.model.build import logits_part
        from playground.core.training.device import set_torch_threads

        set_torch_threads(1)
        model = inference_model(spec, d.num_classes, weights)
        return fit_familiarity(logits_part(model), d.x_val, state.check)

    task = ws.tasks.start("Calibrating the stranger warning", work)
    task.done.connect(lambda familiarity: s.set_familiarity(weights, familiarity))
    task.failed.connect(
        lambda e: ws.error.emit(f"Could not calibrate the stranger warning ({e}): it stays off")
    )
    return task
