"""L1 / L2 regularisation: a penalty on the weights added to the cost, as TensorFlow
Playground offers it."""

from __future__ import annotations

import torch
from torch import nn

from playground.core.training.config import TrainConfig


def penalised_weights(model: nn.Module) -> list[torch.Tensor]:
    """The weight matrices and kernels (not biases or normalisation scales) a penalty acts on."""
    return [p for name, p in model.named_parameters() if name.endswith("weight") and p.dim() > 1]


def penalty(weights: list[torch.Tensor], config: TrainConfig) -> torch.Tensor | None:
    """rate · Σ|w| (L1) or rate · Σw² (L2) over weights; None when there is none."""
    if config.regularization == "none" or config.reg_rate == 0 or not weights:
        return None
    if config.regularization == "l1":
        total = torch.stack([w.abs().sum() for w in weights]).sum()
    else:
        total = torch.stack([w.square().sum() for w in weights]).sum()
    return config.reg_rate * total
