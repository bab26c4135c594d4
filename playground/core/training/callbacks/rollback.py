"""Divergence roll-back: the last weights proved finite, kept aside, and put back when the
loss becomes infinite or NaN."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import torch

from playground.core.training.callbacks.base import Callback
from playground.core.training.weights_copy import clone_state

if TYPE_CHECKING:
    from torch import nn

    from playground.core.training.events import StepMetrics
    from playground.core.training.trainer_view import TrainerView


@dataclass(frozen=True)
class Checkpoint:
    """A copy of the weights after step, and whether a later step's loss proved them finite."""

    state: dict[str, torch.Tensor]
    step: int
    verified: bool


class Rollback(Callback):
    """Keeps two copies: good (proved finite by a later report) and pending (the weights at
    the last report, proved once the next report's first step is finite)."""

    def __init__(self, model: nn.Module, step: int) -> None:
        self.model = model
        self.good = self.pending = Checkpoint(clone_state(model), step, False)
        self.start_step = step

    def weights(self) -> dict[str, torch.Tensor]:
        """The weights at the last finite report: a copy no step writes to, so another thread
        may read it without ever seeing a half-made update."""
        return self.good.state

    def reset(self, step: int) -> None:
        """The model's weights now (put there between runs) are the good ones."""
        self.good = self.pending = Checkpoint(clone_state(self.model), step, True)

    def on_run_start(self, trainer: TrainerView) -> None:
        self.start_step = trainer.history.last_step

    def on_report(self, trainer: TrainerView, metrics: StepMetrics) -> None:
        self.good = replace(self.pending, verified=True)
        self.pending = Checkpoint(clone_state(self.model), metrics.step, False)

    def on_diverged(self, trainer: TrainerView, pending_proved: bool) -> str:
        """Roll back and say truthfully which weights those are."""
        kept = replace(self.pending, verified=True) if pending_proved else self.good
        self.model.load_state_dict(kept.state)
        trainer.optimizer.state.clear()  # its moments hold NaN now; they would poison a step
        self.good = self.pending = kept
        if not kept.verified:
            return (
                "The loss was not finite from the first step (check the data for NaN or "
                "infinite values); the weights the run started from are kept"
            )
        if kept.step == self.start_step:
            return "The weights the run started from, the last with a finite loss, are kept"
        return f"The weights from step {kept.step:,}, the last with a finite loss, are kept"
