"""A network's table, as torchinfo gives one for a module: each node's output shape, parameters
and multiply-adds for one sample, and every problem."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground.core.model.build import build_model
from playground.core.model.layers import Shape
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec


@dataclass(frozen=True)
class NodeSummary:
    id: str  # the node's id in a graph; its position from 1 in a stack
    type: str
    shape: Shape | None  # None where the node has no valid input
    params: int
    macs: int  # multiply-adds of its convolutions and linear maps for one sample
    error: str | None = None


@dataclass(frozen=True)
class NetworkSummary:
    nodes: tuple[NodeSummary, ...]
    total_params: int
    total_macs: int
    error: str | None  # the first problem; None when the network builds

    def to_dict(self) -> dict:
        nodes = [
            {
                "id": n.id,
                "type": n.type,
                "shape": list(n.shape) if n.shape is not None else None,
                "params": n.params,
                "macs": n.macs,
                **({"error": n.error} if n.error else {}),
            }
            for n in self.nodes
        ]
        totals = {"total_params": self.total_params, "total_macs": self.total_macs}
        return {**totals, "error": self.error, "nodes": nodes}


def summarize(spec: NetworkSpec) -> NetworkSummary:
    """The table of spec; multiply-adds are counted only when the network builds."""
    report = infer_shapes(spec)
    macs = _count_macs(spec) if report.ok else [0] * len(spec.layers)
    nodes = tuple(
        NodeSummary(
            info.id or str(info.index + 1),
            info.type,
            info.output_shape,
            info.param_count,
            count,
            info.error,
        )
        for info, count in zip(report.layers, macs, strict=True)
    )
    return NetworkSummary(nodes, report.total_params, sum(macs), report.error)


def _count_macs(spec: NetworkSpec) -> list[int]:
    """Per node, the multiply-adds of one zero sample through the built model."""
    model = build_model(spec).eval()
    counts = [0] * len(spec.layers)
    hooks = []
    for index, module in enumerate(model):
        for leaf in module.modules():
            if isinstance(leaf, nn.Conv2d | nn.Linear):
                hooks.append(leaf.register_forward_hook(_adder(counts, index)))
    try:
        with torch.no_grad():
            model(torch.zeros(1, *spec.input_shape))
    finally:
        for hook in hooks:
            hook.remove()
    return counts


def _adder(counts: list[int], index: int):
    def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        if isinstance(module, nn.Linear):
            per_output = module.in_features
        else:
            kh, kw = module.kernel_size
            per_output = module.in_channels // module.groups * kh * kw
        counts[index] += output[0].numel() * per_output

    return hook
