"""One training step looked at closely: the batch's loss before and after, and how far each
layer's weights moved."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from playground.core.model.build import evaluating, learnable_layers, logits_part
from playground.core.training.events import StepResult

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@torch.no_grad()
def batch_loss(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor, loss: Loss) -> float:
    """The loss on (x, y) in eval mode: dropout off, so before and after compare."""
    with evaluating(model):
        return loss(logits_part(model)(x), y).item()


def measured_step(
    model: nn.Sequential,
    x: torch.Tensor,
    y: torch.Tensor,
    train_step: Callable[[torch.Tensor, torch.Tensor], None],
    step: int,
    epoch: int,
    loss: Loss = F.cross_entropy,
) -> StepResult:
    """Run train_step(x, y), the trainer's own step, on model; what it did to the batch's
    loss (the task's) and to the weights."""
    layers = learnable_layers(model)
    before = [m.weight.detach().clone() for _, m in layers]
    loss_before = batch_loss(model, x, y, loss)
    train_step(x, y)
    loss_after = batch_loss(model, x, y, loss)
    deltas = {
        name: (m.weight.detach() - w).cpu().numpy()
        for (name, m), w in zip(layers, before, strict=True)
    }
    return StepResult(step, epoch, len(y), loss_before, loss_after, deltas)
