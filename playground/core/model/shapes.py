"""Shape inference and validation: each layer's output shape, parameter count or problem."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from playground.core.errors import ShapeError
from playground.core.limits import MAX_ACTIVATIONS, MAX_PARAMS
from playground.core.model.layers import Shape, layer_type, shape_text
from playground.core.model.spec import INPUT, LayerSpec, NetworkSpec


@dataclass(frozen=True)
class LayerInfo:
    """What inference found for one layer: its output shape and parameters, or its error."""

    index: int
    type: str
    output_shape: Shape | None
    param_count: int
    error: str | None = None
    id: str = ""  # the node's id in a graph


@dataclass(frozen=True)
class ShapeReport:
    layers: tuple[LayerInfo, ...]
    output_shape: Shape | None
    total_params: int
    error: str | None  # the first problem, naming the layer; None when the network is valid
    activations: int = 0  # values one sample makes across the layers

    @property
    def ok(self) -> bool:
        return self.error is None


def infer_shapes(spec: NetworkSpec, num_classes: int | None = None) -> ShapeReport:
    """Walk the layers from the input; stop at the first layer whose input does not fit."""
    if spec.is_graph:
        return _infer_graph(spec, num_classes)
    shape: Shape | None = tuple(spec.input_shape)
    infos: list[LayerInfo] = []
    error = None
    total = values = 0
    for i, layer in enumerate(spec.layers):
        if shape is None:
            infos.append(LayerInfo(i, layer.type, None, 0, None))
            continue
        t = layer_type(layer.type)
        try:
            if t.merges:
                raise ShapeError(
                    f"{t.name} joins branches",
                    "make the network a graph (Draw branches) and wire two inputs to it",
                )
            out = t.output_shape(shape, layer.params)
            count = t.param_count(shape, layer.params)
            values += math.prod(out)
            _check_size(total + count, values)
        except ShapeError as e:
            msg = f"Layer {i + 1} ({layer.type}): {e}"
            infos.append(LayerInfo(i, layer.type, None, 0, str(e)))
            error = error or msg
            shape = None
            continue
        infos.append(LayerInfo(i, layer.type, out, count))
        total += count
        shape = out
    if error is None and num_classes is not None:
        error = _trainable_error(spec, shape, num_classes, total)
        if error and infos:
            infos[-1] = replace(infos[-1], error=error)
    return ShapeReport(tuple(infos), shape, total, error, values)


def _trainable_error(
    spec: NetworkSpec, shape: Shape | None, classes: int, total: int
) -> str | None:
    """Why a network that builds cannot learn this data set; None when it can."""
    error = _output_error(spec, shape, classes)
    if error is None and total == 0:
        error = (
            "The network has no weights, so it cannot learn: add a layer with weights "
            "(Linear or Conv2d)"
        )
    return error


def _infer_graph(spec: NetworkSpec, num_classes: int | None) -> ShapeReport:
    """A graph's nodes in order, each from the shapes of its inputs; every problem is named by
    its node, and a node whose inputs failed has no shape either."""
    shapes: dict[str, Shape | None] = {INPUT: tuple(spec.input_shape)}
    infos: list[LayerInfo] = []
    errors: list[str] = []
    total = values = 0
    for i, node in enumerate(spec.layers):
        ins = [shapes.get(source) for source in node.inputs]
        out, count, problem = None, 0, None
        if all(s is not None for s in ins):
            try:
                out, count = _node_shape(node, ins)  # type: ignore[arg-type]
                values += math.prod(out)
                _check_size(total + count, values)
            except ShapeError as e:
                out, count, problem = None, 0, str(e)
        if problem:
            errors.append(f"{node.id} ({node.type}): {problem}")
        infos.append(LayerInfo(i, node.type, out, count, problem, node.id))
        shapes[node.id] = out
        total += count
    for i in _unconnected(spec):
        problem = "not connected to the output: wire its output onward or delete it"
        infos[i] = replace(infos[i], error=infos[i].error or problem)
        errors.append(f"{spec.layers[i].id} ({spec.layers[i].type}): {problem}")
    shape = shapes.get(spec.output)
    if not errors and num_classes is not None:
        trainable = _trainable_error(spec, shape, num_classes, total)
        if trainable:
            errors.append(trainable)
            last = next(i for i, n in enumerate(spec.layers) if n.id == spec.output)
            infos[last] = replace(infos[last], error=trainable)
    return ShapeReport(tuple(infos), shape, total, errors[0] if errors else None, values)


def _node_shape(node: LayerSpec, ins: list[Shape]) -> tuple[Shape, int]:
    """A node's output shape and parameter count from its inputs' shapes."""
    t = layer_type(node.type)
    if not ins:
        raise ShapeError(f"{node.type} has no input", "drag a wire to it from a card's output")
    if t.merges:
        if len(ins) < 2:
            raise ShapeError(f"{node.type} needs two inputs or more", "wire a second input to it")
        return t.output_shape(tuple(ins), node.params), 0
    if len(ins) != 1:
        raise ShapeError(
            f"{node.type} takes one input, not {len(ins)}", "join them first with Add or Concat"
        )
    return t.output_shape(ins[0], node.params), t.param_count(ins[0], node.params)


def _unconnected(spec: NetworkSpec) -> list[int]:
    """Indices of the nodes the output does not depend on."""
    needed, by_id = {spec.output}, {n.id: n for n in spec.layers}
    for node in reversed(spec.layers):
        if node.id in needed:
            needed.update(s for s in node.inputs if s in by_id)
    return [i for i, n in enumerate(spec.layers) if n.id not in needed]


def _check_size(weights: int, values: int) -> None:
    """ShapeError once the network up to here is too big to build: checked from the shapes,
    before any memory is asked for, so an absurd size is a red card, not a failed allocation."""
    if weights > MAX_PARAMS:
        raise ShapeError(
            f"the network would have {weights:,} weights here, more than {MAX_PARAMS:,}",
            "use fewer neurons or filters, or shrink the input with pooling first",
        )
    if values > MAX_ACTIVATIONS:
        raise ShapeError(
            f"the layers up to here make {values:,} values per sample, more than "
            f"{MAX_ACTIVATIONS:,}",
            "downsample earlier (stride or pooling) or use fewer channels",
        )


def _output_error(spec: NetworkSpec, shape: Shape | None, num_classes: int) -> str | None:
    if not spec.layers:
        return "The network has no layers: add Flatten and a Linear layer"
    if shape == (num_classes,):
        return None
    if shape is not None and len(shape) != 1:
        return (
            f"The network ends with an image-shaped output ({shape_text(shape)}) but must end "
            f"with one score per class ({num_classes}): add Flatten and Linear({num_classes}) "
            "at the end"
        )
    assert shape is not None
    return (
        f"The network ends with {shape[0]} outputs but the data set has {num_classes} classes: "
        f"set the last Linear's out_features to {num_classes}"
    )
