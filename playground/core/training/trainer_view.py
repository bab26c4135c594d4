"""What the callbacks and the strategies see of a trainer (trainer.py assembles them, so they
know it by this shape and never import it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import torch
    from torch import nn

    from playground.core.data.dataset import Dataset
    from playground.core.training.config import TrainConfig
    from playground.core.training.controls import Controls
    from playground.core.training.events import Event, Sink
    from playground.core.training.history import History
    from playground.core.training.interrupt import StopChecks
    from playground.core.training.task import Task


class TrainerView(Protocol):
    """A Trainer's parts, as its policies use them."""

    config: TrainConfig  # replaced whole when live settings change
    data: Dataset  # a strategy may give each process its share
    model: nn.Sequential
    logits: nn.Module  # the model without a final softmax; a strategy may wrap it
    optimizer: torch.optim.Optimizer
    history: History
    device: torch.device
    generator: torch.Generator  # the order of the samples in each epoch
    sink: Sink
    report_s: float
    snapshot_s: float
    batch_norm: bool  # whether the model has BatchNorm layers
    sample_values: int  # the values one sample makes across the layers
    controls: Controls
    stop_checks: StopChecks

    task: Task  # what is learned: the loss and the scores

    def emit(self, event: Event) -> None: ...

    def take_new_data(self) -> bool: ...

    def train_step(
        self, x: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]: ...

    def validate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, torch.Tensor]: ...
