"""What the live views show beyond weights: activations and decision boundaries."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from playground.core.blocks import MBConv, Residual
from playground.core.build import logits_part

SPATIAL = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, MBConv, Residual)


@torch.no_grad()
def feature_maps(model: nn.Sequential, x: torch.Tensor) -> list[tuple[str, np.ndarray]]:
    """(layer name, C×H×W activations) after every conv and pooling layer, for one input."""
    was_training = model.training
    model.eval()
    out, maps = x.unsqueeze(0), []
    for i, module in enumerate(model):
        out = module(out)
        if isinstance(module, SPATIAL):
            maps.append((f"{i + 1} {type(module).__name__}", out[0].cpu().numpy()))
    model.train(was_training)
    return maps


def boundary_grid(extent: float, resolution: int) -> np.ndarray:
    """Points (resolution², 2) covering [-extent, extent]² in raw data coordinates."""
    axis = np.linspace(-extent, extent, resolution, dtype=np.float32)
    xx, yy = np.meshgrid(axis, axis)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


@torch.no_grad()
def grid_probabilities(model: nn.Sequential, grid: torch.Tensor) -> np.ndarray:
    """Softmax probabilities (N, classes) at already-normalised grid points."""
    was_training = model.training
    model.eval()
    probs = torch.softmax(logits_part(model)(grid), dim=1).cpu().numpy()
    model.train(was_training)
    return probs
