"""Build a torch model from a network spec."""

from __future__ import annotations

from torch import nn

from playground.core.errors import ShapeError
from playground.core.layers import layer_type
from playground.core.shapes import infer_shapes
from playground.core.spec import NetworkSpec


def build_model(spec: NetworkSpec, num_classes: int | None = None) -> nn.Sequential:
    """An nn.Sequential with one module per layer; ShapeError if the spec is not valid."""
    report = infer_shapes(spec, num_classes)
    if not report.ok:
        raise ShapeError(report.error or "invalid network")
    modules = []
    shape = tuple(spec.input_shape)
    for layer, info in zip(spec.layers, report.layers, strict=True):
        modules.append(layer_type(layer.type).build(shape, layer.params))
        shape = info.output_shape
    return nn.Sequential(*modules)


def logits_part(model: nn.Sequential) -> nn.Module:
    """The model without a final Softmax: the loss wants scores, not probabilities."""
    if len(model) and isinstance(model[-1], nn.Softmax):
        return model[:-1]
    return model
