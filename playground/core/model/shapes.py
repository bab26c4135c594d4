"""Shape inference and validation: each layer's output shape, parameter count or problem."""

from __future__ import annotations

import math
from dataclasses import dataclass

from playground.core.errors import ShapeError
from playground.core.limits import MAX_ACTIVATIONS, MAX_PARAMS
from playground.core.model.layers import Shape, layer_type, shape_text
from playground.core.model.spec import NetworkSpec


@dataclass(frozen=True)
class LayerInfo:
    """What inference found for one layer: its output shape and parameters, or its error."""

    index: int
    type: str
    output_shape: Shape | None
    param_count: int
    error: str | None = None


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
        error = _output_error(spec, shape, num_classes)
        if error is None and total == 0:
            error = (
                "The network has no weights, so it cannot learn: add a layer with weights "
                "(Linear or Conv2d)"
            )
        if error and infos:
            last = infos[-1]
            infos[-1] = LayerInfo(last.index, last.type, last.output_shape, last.param_count, error)
    return ShapeReport(tuple(infos), shape, total, error, values)


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
