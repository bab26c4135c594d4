"""The epoch with the lowest validation loss, and a CPU copy of its weights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.training.callbacks.base import Callback
from playground.core.training.weights_copy import clone_state

if TYPE_CHECKING:
    import torch

    from playground.core.training.events import EpochMetrics
    from playground.core.training.trainer_view import TrainerView


class BestWeights(Callback):
    """Copies the weights whenever an epoch's validation loss is the lowest yet."""

    def __init__(self) -> None:
        self.best: EpochMetrics | None = None
        self.weights: dict[str, torch.Tensor] | None = None  # on the CPU

    def on_epoch_end(self, trainer: TrainerView, metrics: EpochMetrics, last: bool) -> None:
        if self.best is None or metrics.val_loss < self.best.val_loss:
            self.best, self.weights = metrics, clone_state(trainer.model, "cpu")
