"""Build a torch model from a network spec: each card's module, the pretrained backbone's too
(it is made of catalog cards itself, so it is built here, beside the cards it is made of)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from playground.core.errors import ShapeError
from playground.core.model.blocks import Merge
from playground.core.model.efficientnet import (
    BACKBONE,
    FINE_TUNED_BLOCKS,
    FROZEN_LAYERS,
    feature_layers,
    lite0_spec,
    load_weights,
)
from playground.core.model.layers import Shape, layer_type
from playground.core.model.shapes import ShapeReport, infer_shapes
from playground.core.model.spec import INPUT, NetworkSpec


def build_model(spec: NetworkSpec, num_classes: int | None = None) -> nn.Sequential:
    """An nn.Sequential with one module per layer (a GraphNet for a graph); ShapeError if the
    spec is not valid."""
    report = infer_shapes(spec, num_classes)
    if not report.ok:
        raise ShapeError(report.error or "invalid network")
    if spec.is_graph:
        return GraphNet(spec, report)  # type: ignore[return-value]
    modules = []
    shape = tuple(spec.input_shape)
    for layer, info in zip(spec.layers, report.layers, strict=True):
        modules.append(make_module(layer.type, shape, layer.params))
        shape = info.output_shape
    return nn.Sequential(*modules)


def make_module(type_name: str, shape: Shape, params: dict[str, Any]) -> nn.Module:
    """The module of one card on an input of shape."""
    if type_name == BACKBONE:
        return backbone_module(params["fine_tune"])
    return layer_type(type_name).build(shape, params)


# the layers that fine-tuning lets learn: the last blocks, the head convolution and its
# BatchNorm (ReLU6 and the pooling after them have no weights)
TUNED_FROM = len(feature_layers()) - 3 - FINE_TUNED_BLOCKS


@functools.cache
def backbone_weights() -> dict[str, torch.Tensor]:
    """The ImageNet weights of the backbone's layers (read once; load_state_dict copies them,
    so nothing ever writes to these)."""
    return {k: v for k, v in load_weights().items() if int(k.split(".")[0]) < FROZEN_LAYERS}


class Backbone(nn.Sequential):
    """Always in eval mode: its BatchNorm keeps ImageNet's statistics, which a few photos per
    batch would only spoil, also where fine-tuning trains its last blocks."""

    def train(self, mode: bool = True) -> Backbone:
        return super().train(False)


def backbone_module(fine_tune: bool = False) -> Backbone:
    """EfficientNet-Lite0 up to its pooled FEATURES, ImageNet weights; frozen, or with its last
    FINE_TUNED_BLOCKS blocks and head convolution learning when fine_tune."""
    model = Backbone(*build_model(lite0_spec())[:FROZEN_LAYERS])
    model.load_state_dict(backbone_weights())
    model.requires_grad_(False)
    if fine_tune:
        model[TUNED_FROM:].requires_grad_(True)
    return model.eval()


class GraphNet(nn.Module):
    """A graph's nodes as modules named by their ids, run in order: each takes the outputs of
    the nodes its inputs name. Iterating it gives the nodes' modules in order, as a stack's."""

    def __init__(self, spec: NetworkSpec, report: ShapeReport) -> None:
        super().__init__()
        self.order = [(n.id, n.inputs) for n in spec.layers]
        self.output = spec.output
        self.nodes = nn.ModuleDict()
        for node in spec.layers:
            ins = [_shape_of(source, spec, report) for source in node.inputs]
            first = tuple(ins) if layer_type(node.type).merges else ins[0]
            self.nodes[node.id] = make_module(node.type, first, node.params)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        values = {INPUT: x}
        for node_id, inputs in self.order:
            values[node_id] = self.nodes[node_id](*(values[s] for s in inputs))
        return values[self.output]

    def __iter__(self):
        return iter(self.nodes.values())

    def __len__(self) -> int:
        return len(self.nodes)

    def __getitem__(self, index: int) -> nn.Module:
        return list(self.nodes.values())[index]

    def without_softmax(self) -> GraphNet:
        """The same modules, ending at the output Softmax's input: scores, not probabilities."""
        last = next(inputs for node_id, inputs in self.order if node_id == self.output)
        copy = GraphNet.__new__(GraphNet)
        nn.Module.__init__(copy)
        copy.order = [(k, inputs) for k, inputs in self.order if k != self.output]
        copy.nodes = nn.ModuleDict({k: m for k, m in self.nodes.items() if k != self.output})
        copy.output = last[0]
        return copy


def _shape_of(source: str, spec: NetworkSpec, report: ShapeReport) -> Shape:
    if source == INPUT:
        return tuple(spec.input_shape)
    return next(info.output_shape for info in report.layers if info.id == source)  # type: ignore[return-value]


def logits_part(model: nn.Sequential) -> nn.Module:
    """The model without a final Softmax: the loss wants scores, not probabilities."""
    if isinstance(model, GraphNet):
        is_softmax = isinstance(model.nodes[model.output], nn.Softmax)
        return model.without_softmax() if is_softmax else model
    if len(model) and isinstance(model[-1], nn.Softmax):
        return model[:-1]
    return model


def learnable_layers(model: nn.Sequential) -> list[tuple[str, nn.Module]]:
    """(name, module) of the layers with weights, named like the cards: '3 Linear' (in a
    graph by the node's id: 'conv1 Conv2d')."""
    if isinstance(model, GraphNet):
        named = model.nodes.items()
        return [(f"{k} {type(m).__name__}", m) for k, m in named if _learns(m)]
    return [(f"{i + 1} {type(m).__name__}", m) for i, m in enumerate(model) if _learns(m)]


def node_names(model: nn.Module) -> list[str]:
    """Each node's name as its card shows it: '3 Linear' in a stack (from 1), 'conv1 Conv2d'
    in a graph (its id)."""
    return list(node_prefixes(model))


def node_prefixes(model: nn.Module) -> dict[str, str]:
    """Each node's name → the start of its parameters' state-dict keys ('2.', 'nodes.conv1.')."""
    if isinstance(model, GraphNet):
        return {f"{k} {_kind(m)}": f"nodes.{k}." for k, m in model.nodes.items()}
    return {f"{i + 1} {_kind(m)}": f"{i}." for i, m in enumerate(model)}


def weights_as_read_back(
    spec: NetworkSpec, weights: dict[str, torch.Tensor]
) -> dict[str, torch.Tensor]:
    """weights named as the network spec's saved form reads back: a graph that is one straight
    chain opens as a stack (NetworkSpec.from_dict), whose layers are named by position, not by
    node id ('nodes.linear_2.weight' → '2.weight'); any other network's as they are."""
    if not spec.is_graph or spec.as_stack_if_straight().is_graph:
        return weights
    position = {layer.id: i for i, layer in enumerate(spec.layers)}

    def renamed(key: str) -> str:
        graph, _, inside = key.partition(".")  # 'nodes', 'linear_2.weight'
        node, _, rest = inside.partition(".")
        return f"{position[node]}.{rest}" if graph == "nodes" and node in position else key

    return {renamed(key): tensor for key, tensor in weights.items()}


def node_consumers(model: nn.Module) -> dict[str, list[str]]:
    """Each node's name → the names of the nodes that read its output (in a stack, the next)."""
    names = node_names(model)
    if not isinstance(model, GraphNet):
        return {name: names[i + 1 : i + 2] for i, name in enumerate(names)}
    by_id = dict(zip(model.nodes, names, strict=True))
    readers: dict[str, list[str]] = {name: [] for name in names}
    for node_id, inputs in model.order:
        for source in inputs:
            if source in by_id:
                readers[by_id[source]].append(by_id[node_id])
    return readers


def _kind(module: nn.Module) -> str:
    return module.kind if isinstance(module, Merge) else type(module).__name__


@torch.no_grad()
def node_outputs(
    model: nn.Module, x: torch.Tensor, wanted: tuple[type, ...]
) -> list[tuple[str, torch.Tensor]]:
    """(name, output) of every node whose module is one of wanted, for the batch x, in the
    order they ran (hooks: in a graph each node sees its own inputs, not its neighbour's)."""
    seen: list[tuple[str, torch.Tensor]] = []
    handles = [
        module.register_forward_hook(lambda m, a, out, name=name: seen.append((name, out)))
        for name, module in zip(node_names(model), model, strict=True)
        if isinstance(module, wanted)
    ]
    try:
        with evaluating(model):
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return seen


@contextlib.contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """model in eval mode (dropout off, BatchNorm's running statistics) for the block, then
    back in the mode it was in: a look must not change how training goes on."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def _learns(module: nn.Module) -> bool:
    return getattr(module, "weight", None) is not None
