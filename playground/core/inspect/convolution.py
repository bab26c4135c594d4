"""One filter of a convolution layer slid over one input, position by position: the patch it
sees, the products with its weights and the value it writes, for the convolution animation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from playground.core.model.build import evaluating, node_names


@dataclass(frozen=True)
class ConvWalk:
    layer: str  # the card's name: '4 Conv2d'
    padded: np.ndarray  # (C, H + 2p, W + 2p): the layer's input with its zero border
    padding: int
    kernel: np.ndarray  # (C, k, k): the filter's weights
    bias: float
    stride: int
    output: np.ndarray  # (H', W'): Σ kernel × patch + bias at each position

    @property
    def positions(self) -> int:
        return self.output.size

    def place(self, position: int) -> tuple[int, int]:
        """(row, column) of the output written at position (row by row)."""
        return divmod(position, self.output.shape[1])

    def patch(self, position: int) -> np.ndarray:
        """(C, k, k): the part of the padded input under the kernel at position."""
        r, c = self.place(position)
        k, s = self.kernel.shape[-1], self.stride
        return self.padded[:, r * s : r * s + k, c * s : c * s + k]

    def products(self, position: int) -> np.ndarray:
        """(C, k, k): each weight times the input value under it at position."""
        return self.kernel * self.patch(position)

    def value(self, position: int) -> float:
        """What the filter writes at position."""
        return float(self.output[self.place(position)])


def conv_layers(model: nn.Sequential) -> dict[str, int]:
    """Card name → index of each top-level convolution an animation can show (one group)."""
    return {
        name: i
        for i, (name, m) in enumerate(zip(node_names(model), model, strict=True))
        if isinstance(m, nn.Conv2d) and m.groups == 1 and m.dilation == (1, 1)
    }


@torch.no_grad()
def conv_walk(model: nn.Sequential, layer: str, filter_index: int, x: np.ndarray) -> ConvWalk:
    """Filter filter_index of the convolution named layer, slid over what x (C×H×W,
    normalised) has become by the time it reaches that layer."""
    index = conv_layers(model)[layer]
    conv: nn.Conv2d = model[index]
    seen: list[torch.Tensor] = []  # what reaches the convolution (in a graph, its own input)
    handle = conv.register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    try:
        with evaluating(model):
            model(torch.as_tensor(x, dtype=torch.float32)[None])
    finally:
        handle.remove()
    inputs = seen[0][0]
    p, s, k = conv.padding[0], conv.stride[0], conv.kernel_size[0]
    padded = F.pad(inputs, (p, p, p, p))
    kernel = conv.weight[filter_index]
    bias = float(conv.bias[filter_index]) if conv.bias is not None else 0.0
    patches = padded.unfold(1, k, s).unfold(2, k, s)  # (C, H', W', k, k)
    output = torch.einsum("chwij,cij->hw", patches, kernel) + bias
    return ConvWalk(layer, padded.numpy(), p, kernel.numpy(), bias, s, output.numpy())


def snapshot_walk(spec, classes: int, weights, layer: str, filter_index: int, x) -> ConvWalk:
    """conv_walk on a network built from a weight snapshot (weights of spec)."""
    from playground.core.inspect.inference import inference_model

    return conv_walk(inference_model(spec, classes, weights), layer, filter_index, x)
