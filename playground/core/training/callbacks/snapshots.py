"""Reporting the weights: copies of every learnable layer's weights and gradients, for the
weight views and the gradient-flow curves."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import nn

from playground.core.model.build import learnable_layers
from playground.core.training.callbacks.base import Callback
from playground.core.training.events import Snapshot

if TYPE_CHECKING:
    from playground.core.training.trainer_view import TrainerView


def weight_snapshot(model: nn.Sequential, step: int, epoch: int) -> Snapshot:
    """CPU copies of every learnable layer's weights and bias, and its mean |gradient|."""
    weights, biases, grads = {}, {}, {}
    for name, m in learnable_layers(model):
        weights[name] = m.weight.detach().to("cpu", copy=True).numpy()
        if getattr(m, "bias", None) is not None:
            biases[name] = m.bias.detach().to("cpu", copy=True).numpy()
        if m.weight.grad is not None:
            grads[name] = m.weight.grad.abs().mean()
    values = torch.stack(list(grads.values())).tolist() if grads else []  # one device sync
    return Snapshot(step, epoch, weights, biases, dict(zip(grads, values, strict=True)))


class WeightSnapshots(Callback):
    """Sends a Snapshot of the weights at every snapshot point."""

    def on_snapshot(
        self, trainer: TrainerView, step: int, epoch: int, batch: torch.Tensor | None
    ) -> None:
        trainer.emit(weight_snapshot(trainer.model, step, epoch))
