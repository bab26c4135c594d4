"""Early stopping: end the run once the validation loss has not improved for a while."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.training.callbacks.base import Callback

if TYPE_CHECKING:
    from playground.core.training.events import EpochMetrics
    from playground.core.training.trainer_view import TrainerView


class EarlyStopping(Callback):
    """Stops after patience epochs of a run without a lower validation loss (0: never)."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.best: EpochMetrics | None = None  # over every run of the trainer
        self.since_best = 0  # epochs of this run

    def on_run_start(self, trainer: TrainerView) -> None:
        self.since_best = 0

    def on_epoch_end(self, trainer: TrainerView, metrics: EpochMetrics, last: bool) -> str | None:
        if self.best is None or metrics.val_loss < self.best.val_loss:
            self.best, self.since_best = metrics, 0
            return None
        self.since_best += 1
        # after the last epoch the run ends anyway: no "stopped early" then
        if last or not 0 < self.patience <= self.since_best:
            return None
        return (
            f"Stopped early after epoch {metrics.epoch}: the validation loss had not improved "
            f"for {self.patience} epochs (best: epoch {self.best.epoch})"
        )
