"""Bring an ONNX model in: each operator becomes a catalog node (Conv, Gemm, pooling, the
activations, Add, Mul, Concat, Flatten and flattening reshapes), the initializers its weights.
What has no card is refused in one line naming the operator and its node."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import torch

from playground.core.errors import SpecError
from playground.core.limits import MAX_WEIGHTS_BYTES, check_not_special, mib
from playground.core.model.build import GraphNet, build_model
from playground.core.model.layers import Shape
from playground.core.model.spec import INPUT, LayerSpec, NetworkSpec, unique_node_id

L = LayerSpec.make
IDENTITIES = {"Identity", "Dropout"}  # nothing to compute at inference
ACTIVATIONS = {"Relu": "ReLU", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Gelu": "GELU"}


class OnnxRefused(SpecError):
    """An ONNX model that cannot be brought in as catalog nodes; says which operator and why."""


def import_onnx(path: Path, input_shape: Shape | None = None) -> tuple[NetworkSpec, dict]:
    """The model in the ONNX file at path as a network spec and its built model's weights."""
    import onnx  # the export extra

    check_not_special(path, OnnxRefused)
    if not path.is_file():
        raise OnnxRefused(f"there is no file {path}")
    if path.stat().st_size > MAX_WEIGHTS_BYTES:
        raise OnnxRefused(f"{path.name} is larger than {mib(MAX_WEIGHTS_BYTES)}")
    try:
        model = onnx.shape_inference.infer_shapes(onnx.load(str(path)))
    except Exception as e:  # onnx raises DecodeError, ValidationError, …: one line for each
        raise OnnxRefused(
            f"{path.name} is not a readable ONNX model ({type(e).__name__})"
        ) from None
    graph = _Graph(model.graph)
    shape = input_shape or graph.input_shape()
    nodes, weights, output = graph.nodes()
    spec = NetworkSpec(tuple(shape), tuple(nodes), output).as_stack_if_straight()
    built = build_model(spec)
    modules = (
        built.nodes
        if isinstance(built, GraphNet)
        else dict(zip([n.id for n in nodes], built, strict=True))
    )
    for node_id, tensors in weights.items():
        _load(modules[node_id], tensors, node_id)
    return spec, built.state_dict()


def _load(module: torch.nn.Module, tensors: dict[str, torch.Tensor], node_id: str) -> None:
    own = module.state_dict()
    for name, value in tensors.items():
        if own[name].shape != value.shape:
            raise OnnxRefused(
                f"{node_id}: its {name} is {tuple(value.shape)}, "
                f"the card's is {tuple(own[name].shape)}"
            )
    module.load_state_dict(tensors, strict=False)


class _Graph:
    def __init__(self, graph: Any) -> None:
        from onnx import numpy_helper

        self.graph = graph
        self.constants = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        for node in graph.node:
            if node.op_type == "Constant":
                value = next(a for a in node.attribute if a.name == "value")
                self.constants[node.output[0]] = numpy_helper.to_array(value.t)
        self.ranks = {
            v.name: len(v.type.tensor_type.shape.dim)
            for v in [*graph.value_info, *graph.output, *graph.input]
        }
        inputs = [i for i in graph.input if i.name not in self.constants]
        if len(inputs) != 1:
            raise OnnxRefused(f"the model takes {len(inputs)} inputs; a network here takes one")
        self.input = inputs[0]

    def input_shape(self) -> Shape:
        dims = [d.dim_value for d in self.input.type.tensor_type.shape.dim[1:]]
        if len(dims) not in (1, 3) or not all(d > 0 for d in dims):
            raise OnnxRefused("the model's input has no fixed shape: give --input-shape C,H,W")
        return tuple(dims)

    def nodes(self) -> tuple[list[LayerSpec], dict[str, dict[str, torch.Tensor]], str]:
        alias = {self.input.name: INPUT}
        nodes: list[LayerSpec] = []
        weights: dict[str, dict[str, torch.Tensor]] = {}
        for node in self.graph.node:
            if node.op_type == "Constant" or not any(i in alias for i in node.input):
                continue  # a constant, or a shape computed from constants only
            layer, reads, tensors = self._map(node)
            ids = [alias[i] for i in reads]
            if layer is None:
                alias[node.output[0]] = ids[0]
                continue
            name = re.sub(r"^node_", "", node.name or node.output[0])
            node_id = unique_node_id(name, {n.id for n in nodes})
            nodes.append(layer.wired(node_id, ids))
            alias[node.output[0]] = node_id
            if tensors:
                weights[node_id] = tensors
        output = alias.get(self.graph.output[0].name)
        if output in (None, INPUT):
            raise OnnxRefused("the model computes nothing from its input")
        return nodes, weights, output  # type: ignore[return-value]

    def _map(self, node: Any) -> tuple[LayerSpec | None, list[str], dict[str, torch.Tensor]]:
        op, a = node.op_type, _attributes(node)
        data = [i for i in node.input if i and i not in self.constants]
        if op in IDENTITIES:
            return None, data[:1], {}
        if op in ACTIVATIONS:
            return L(ACTIVATIONS[op]), data, {}
        if op == "LeakyRelu":
            return L("LeakyReLU", negative_slope=float(a.get("alpha", 0.01))), data, {}
        if op == "Clip" and self._clip(node) == (0.0, 6.0):
            return L("ReLU6"), data, {}
        if op == "Softmax" and a.get("axis", -1) in (1, -1):
            return L("Softmax"), data, {}
        if op in ("Add", "Mul") and len(data) == 2:
            return L("Add" if op == "Add" else "Multiply"), data, {}
        if op == "Concat" and a.get("axis") == 1:
            return L("Concat"), data, {}
        if op == "Conv":
            return self._conv(node, a), data, self._tensors(node, ("weight", "bias"))
        if (
            op == "Gemm"
            and a.get("transB") == 1
            and a.get("transA", 0) == 0
            and a.get("alpha", 1.0) == 1.0
        ):
            out = self.constants[node.input[1]].shape[0]
            layer = L("Linear", out_features=int(out), bias=len(node.input) > 2)
            return layer, data, self._tensors(node, ("weight", "bias"))
        if op in ("MaxPool", "AveragePool"):
            return self._pool(node, a), data, {}
        if op in ("GlobalAveragePool", "ReduceMean") and self._global_mean(node, a):
            keep = op == "GlobalAveragePool" or bool(a.get("keepdims", 1))
            return L("GlobalAvgPool2d", keepdim=keep), data, {}
        if (op == "Flatten" and a.get("axis", 1) == 1) or (
            op == "Reshape" and self.ranks.get(node.output[0]) == 2
        ):
            return L("Flatten"), data[:1], {}
        if op == "BatchNormalization" and abs(a.get("epsilon", 1e-5) - 1e-5) < 1e-9:
            kind = "BatchNorm2d" if self.ranks.get(node.input[0], 4) == 4 else "BatchNorm1d"
            names = ("weight", "bias", "running_mean", "running_var")
            return L(kind), data, self._tensors(node, names)
        raise OnnxRefused(
            f"{node.name or node.output[0]}: the ONNX operator {op} (as used here) has no "
            "card in the catalog"
        )

    def _tensors(self, node: Any, names: tuple[str, ...]) -> dict[str, torch.Tensor]:
        values = [self.constants[i] for i in node.input[1:] if i in self.constants]
        return {
            n: torch.from_numpy(np.array(v, dtype=np.float32))
            for n, v in zip(names, values, strict=False)
        }

    def _conv(self, node: Any, a: dict[str, Any]) -> LayerSpec:
        weight = self.constants[node.input[1]]
        kernel, stride, pad = (
            a.get("kernel_shape", weight.shape[2:]),
            a.get("strides", [1, 1]),
            a.get("pads", [0, 0, 0, 0]),
        )
        plain = set(a.get("dilations", [1])) == {1}
        if (
            not plain
            or len(set(kernel)) != 1
            or len(set(stride)) != 1
            or len(set(pad)) != 1
            or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET")
        ):
            raise OnnxRefused(f"{node.name}: a Conv with dilation or uneven padding has no card")
        return L(
            "Conv2d",
            out_channels=int(weight.shape[0]),
            kernel_size=int(kernel[0]),
            stride=int(stride[0]),
            padding=int(pad[0]),
            bias=len(node.input) > 2,
            groups=int(a.get("group", 1)),
        )

    def _pool(self, node: Any, a: dict[str, Any]) -> LayerSpec:
        kernel, stride, pad = (
            a["kernel_shape"],
            a.get("strides", [1, 1]),
            a.get("pads", [0, 0, 0, 0]),
        )
        exclude_pad = (
            node.op_type == "AveragePool" and not a.get("count_include_pad", 0) and any(pad)
        )
        if (
            a.get("ceil_mode", 0)
            or exclude_pad
            or len({*kernel}) != 1
            or len({*stride}) != 1
            or len({*pad}) != 1
        ):
            raise OnnxRefused(
                f"{node.name}: a {node.op_type} with ceil_mode or uneven windows has no card"
            )
        kind = "MaxPool2d" if node.op_type == "MaxPool" else "AvgPool2d"
        return L(kind, kernel_size=int(kernel[0]), stride=int(stride[0]), padding=int(pad[0]))

    def _global_mean(self, node: Any, a: dict[str, Any]) -> bool:
        if node.op_type == "GlobalAveragePool":
            return True
        axes = a.get("axes")
        if axes is None and len(node.input) > 1:
            axes = self.constants.get(node.input[1])
        return axes is not None and sorted(int(x) % 4 for x in np.ravel(axes)) == [2, 3]

    def _clip(self, node: Any) -> tuple[float, float]:
        bounds = [
            float(self.constants[i]) if i in self.constants else None for i in node.input[1:3]
        ]
        low, high = [*bounds, None, None][:2]
        return low, high  # type: ignore[return-value]


def _attributes(node: Any) -> dict[str, Any]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}
