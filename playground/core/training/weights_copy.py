"""Copies of a model's weights and of an optimizer's state that no step writes to."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def clone_state(model: nn.Module, device: str | None = None) -> dict[str, torch.Tensor]:
    """A copy of model's state dict, on device (default: where each tensor is)."""
    return {k: v.detach().to(device or v.device, copy=True) for k, v in model.state_dict().items()}


def cpu_copy(value: Any) -> Any:
    """value (an optimizer's state dict) with every tensor in it copied to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    if isinstance(value, dict):
        return {k: cpu_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(cpu_copy(v) for v in value)
    return value
