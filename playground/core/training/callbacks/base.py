"""What a callback may do at the points of a run where the loop calls them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from playground.core.training.events import EpochMetrics, Finished, StepMetrics
    from playground.core.training.trainer_view import TrainerView


class Callback:
    """A policy kept out of the loop (Lightning's shape): each hook does nothing unless
    overridden. Hooks run on the training thread, in the order the callbacks were given."""

    def on_run_start(self, trainer: TrainerView) -> None:
        """Before the first step of a run."""

    def on_report(self, trainer: TrainerView, metrics: StepMetrics) -> None:
        """After a report whose every step had a finite loss."""

    def on_diverged(self, trainer: TrainerView, pending_proved: bool) -> str | None:
        """The loss was not finite (pending_proved: at least the step after the last report
        was finite); the sentence saying which weights are kept, if this callback chose them."""
        return None

    def on_snapshot(
        self, trainer: TrainerView, step: int, epoch: int, batch: torch.Tensor | None
    ) -> None:
        """Every snapshot_s seconds, after a single step and at the end (batch: the last one
        trained on)."""

    def on_epoch_end(self, trainer: TrainerView, metrics: EpochMetrics, last: bool) -> str | None:
        """After an epoch's validation (last: the run's last epoch); a reason to stop the run
        early, or None."""
        return None

    def on_run_end(self, trainer: TrainerView, finished: Finished) -> None:
        """After the run ended, before the sink hears of it."""
