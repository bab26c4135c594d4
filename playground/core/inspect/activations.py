"""Activation functions as curves: the function and its derivative, and the range of inputs an
activation layer actually receives."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from playground.core.inspect.neurons import ACTIVATIONS
from playground.core.model.build import evaluating, node_names
from playground.core.model.layers import layer_type
from playground.core.training.events import InputRange

MAX_VALUES = 200_000  # a sample of the inputs is enough for percentiles and a histogram
BINS = 40


def activation_curve(name: str, params: dict[str, Any], xs: np.ndarray) -> tuple[np.ndarray, ...]:
    """The activation layer type name's output and derivative at xs, by torch's autograd on
    the module the layer builds."""
    module = layer_type(name).build((1,), params)
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    y = module(x.reshape(1, -1)).reshape(-1)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return y.detach().numpy(), dy.numpy()


def input_range(values: torch.Tensor) -> InputRange:
    """Percentiles 1 and 99 and a histogram of values (a spread sample of them if many)."""
    flat = values.detach().flatten().float()
    if flat.numel() > MAX_VALUES:
        flat = flat[:: flat.numel() // MAX_VALUES + 1]
    a = flat.cpu().numpy()
    low, high = np.percentile(a, [1, 99])
    counts, edges = np.histogram(a, bins=BINS)
    return InputRange(float(low), float(high), counts, edges.astype(np.float32))


@torch.no_grad()
def activation_inputs(model: nn.Sequential, batch: torch.Tensor) -> dict[str, InputRange]:
    """What each top-level activation layer receives on batch, by card name ('3 Sigmoid')."""
    seen: dict[str, InputRange] = {}
    handles = []
    for name, module in zip(node_names(model), model, strict=True):
        if isinstance(module, ACTIVATIONS):

            def record(_m: nn.Module, args: tuple, name: str = name) -> None:
                seen[name] = input_range(args[0])

            handles.append(module.register_forward_pre_hook(record))
    try:
        with evaluating(model):
            model(batch)
    finally:
        for handle in handles:
            handle.remove()
    return seen
