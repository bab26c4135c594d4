"""Bring a PyTorch module in: torch.fx traces its forward, each call becomes a catalog node
(modules and the common functions), and its weights come along, so the imported network gives
the same outputs. What has no card is refused in one line naming the call and where it is."""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx, nn
from torch.fx.passes.shape_prop import ShapeProp

from playground.core.errors import SpecError
from playground.core.model.build import GraphNet, build_model
from playground.core.model.dynamo import import_dynamo
from playground.core.model.layers import Shape
from playground.core.model.spec import INPUT, LayerSpec, NetworkSpec, unique_node_id

L = LayerSpec.make


class ImportRefused(SpecError):
    """A module that cannot be brought in as catalog nodes; says which call and why."""


def import_module(module: nn.Module, input_shape: Shape) -> tuple[NetworkSpec, dict]:
    """module as a network spec and the weights of the model that spec builds."""
    name = type(module).__name__
    import_dynamo()  # fx imports it: not at once with another thread
    tracer = fx.Tracer()
    tracer.record_stack_traces = True  # so a refusal can say where in the user's file
    try:
        traced = fx.GraphModule(module, tracer.trace(module.eval()))
    except Exception as e:  # fx raises many kinds: the first line says what it could not follow
        raise ImportRefused(f"could not trace {name}: {str(e).splitlines()[0]}") from None
    with torch.no_grad():
        ShapeProp(traced).propagate(torch.zeros(1, *input_shape))
    nodes, sources, output = _nodes(traced)
    spec = NetworkSpec(tuple(input_shape), tuple(nodes), output).as_stack_if_straight()
    model = build_model(spec)
    _copy_weights(model, nodes, sources)
    return spec, model.state_dict()


def _nodes(traced: fx.GraphModule) -> tuple[list[LayerSpec], dict[str, nn.Module], str]:
    """The catalog nodes of a traced module, the modules whose weights they take, the output."""
    alias: dict[str, str] = {}  # fx node → our node id (identity calls pass their input on)
    nodes: list[LayerSpec] = []
    sources: dict[str, nn.Module] = {}
    output = ""
    for node in traced.graph.nodes:
        if node.op == "placeholder":
            if INPUT in alias.values():
                raise ImportRefused(f"{node.name}: the network takes more than one input")
            alias[node.name] = INPUT
            continue
        if _sizes_only(node):  # x.size(0) for a view: read by the Flatten it becomes
            continue
        if node.op == "output":
            output = alias[_tensor_args(node.args[0], node)[0].name]
            continue
        layer, inputs, source = _map(traced, node)
        ids = [alias[arg.name] for arg in inputs]
        if layer is None:  # an identity: its users read its input
            alias[node.name] = ids[0]
            continue
        node_id = unique_node_id(node.name, {n.id for n in nodes})
        alias[node.name] = node_id
        nodes.append(layer.wired(node_id, ids))
        if source is not None:
            sources[node_id] = source
    if output == INPUT or not nodes:
        raise ImportRefused("the module computes nothing from its input")
    return nodes, sources, output


def _sizes_only(node: fx.Node) -> bool:
    """Whether node computes a size (not a tensor) that only reshapes read."""
    is_size = node.target in ("size", getattr, operator.getitem) and "tensor_meta" not in node.meta
    return is_size and all(u.target in ("view", "reshape", torch.reshape) for u in node.users)


def _where(node: fx.Node) -> str:
    stack = node.meta.get("stack_trace") or ""
    lines = [
        ln.strip()
        for ln in stack.splitlines()
        if ln.strip().startswith("File") and f"{os.sep}torch{os.sep}" not in ln
    ]
    if not lines:
        return ""
    where = re.match(r'File "(?P<file>[^"]+)", line (?P<line>\d+)', lines[-1])
    return f" (at {Path(where['file']).name}:{where['line']})" if where else ""


def _tensor_args(args: Any, node: fx.Node) -> list[fx.Node]:
    found = [a for a in (args if isinstance(args, list | tuple) else [args])]
    if not all(isinstance(a, fx.Node) for a in found):
        raise ImportRefused(f"{node.name}: returns something other than one tensor")
    return found


def _out_shape(node: fx.Node) -> tuple[int, ...]:
    return tuple(node.meta["tensor_meta"].shape[1:])


def _map(traced: fx.GraphModule, node: fx.Node):
    """(catalog layer or None for an identity, the fx nodes it reads, the module it copies)."""
    if node.op == "call_module":
        module = traced.get_submodule(node.target)
        layer = _module_layer(module, node)
        return layer, [node.args[0]], module if layer is not None else None
    if node.op in ("call_function", "call_method"):
        return (*_function_layer(node), None)
    what = f"{node.op} {node.target}"
    raise ImportRefused(f"{node.name}: {what} has no card in the catalog{_where(node)}")


def _module_layer(module: nn.Module, node: fx.Node) -> LayerSpec | None:
    kind = type(module)
    rule = MODULES.get(kind)
    if rule is None:
        raise ImportRefused(
            f"{node.name}: {kind.__name__} has no card in the catalog{_where(node)}"
        )
    return rule(module, node)


def _square(value: Any, what: str, node: fx.Node) -> int:
    pair = value if isinstance(value, tuple) else (value, value)
    if pair[0] != pair[1] or not isinstance(pair[0], int):
        raise ImportRefused(f"{node.name}: a {what} of {value} is not square{_where(node)}")
    return pair[0]


def _conv(m: nn.Conv2d, node: fx.Node) -> LayerSpec:
    if _square(m.dilation, "dilation", node) != 1 or m.padding_mode != "zeros":
        raise ImportRefused(
            f"{node.name}: Conv2d with dilation or {m.padding_mode} padding has no "
            f"card (the catalog's convolutions are plain){_where(node)}"
        )
    return L(
        "Conv2d",
        out_channels=m.out_channels,
        kernel_size=_square(m.kernel_size, "kernel", node),
        stride=_square(m.stride, "stride", node),
        padding=_square(m.padding, "padding", node),
        bias=m.bias is not None,
        groups=m.groups,
    )


def _pool(kind: str) -> Callable[[Any, fx.Node], LayerSpec]:
    def rule(m: Any, node: fx.Node) -> LayerSpec:
        if (
            getattr(m, "ceil_mode", False)
            or _square(getattr(m, "dilation", 1), "dilation", node) != 1
        ):
            raise ImportRefused(f"{node.name}: {kind} with ceil_mode or dilation has no card")
        kernel = _square(m.kernel_size, "kernel", node)
        stride = _square(m.stride or kernel, "stride", node)
        return L(
            kind, kernel_size=kernel, stride=stride, padding=_square(m.padding, "padding", node)
        )

    return rule


def _batch_norm(kind: str) -> Callable[[Any, fx.Node], LayerSpec]:
    def rule(m: nn.modules.batchnorm._BatchNorm, node: fx.Node) -> LayerSpec:
        if m.eps != 1e-5 or not m.affine or not m.track_running_stats:
            raise ImportRefused(
                f"{node.name}: {kind} needs eps 1e-5 with affine weights and running "
                f"statistics, as the catalog's has{_where(node)}"
            )
        return L(kind)

    return rule


def _global_pool(m: Any, node: fx.Node) -> LayerSpec:
    if _out_shape(node)[1:] != (1, 1):
        raise ImportRefused(f"{node.name}: adaptive pooling to more than 1×1 has no card")
    return L("GlobalAvgPool2d", keepdim=True)


def _mean(node: fx.Node) -> LayerSpec:
    """x.mean((2, 3)) over the height and width: global average pooling."""
    dims = node.kwargs.get("dim", _arg(node, 1))
    dims = dims if isinstance(dims, list | tuple) else [dims]
    if sorted(d % 4 for d in dims if isinstance(d, int)) != [2, 3]:
        return _refuse(node, "a mean over anything but the height and width")
    return L("GlobalAvgPool2d", keepdim=bool(node.kwargs.get("keepdim", _arg(node, 2, False))))


def _softmax(m: Any, node: fx.Node) -> LayerSpec:
    dim = m.dim if isinstance(m, nn.Softmax) else node.kwargs.get("dim", _arg(node, 1))
    if dim not in (1, -1) or len(_out_shape(node)) != 1:
        raise ImportRefused(f"{node.name}: softmax over anything but the classes has no card")
    return L("Softmax")


MODULES: dict[type, Callable[[Any, fx.Node], LayerSpec | None]] = {
    nn.Linear: lambda m, n: L("Linear", out_features=m.out_features, bias=m.bias is not None),
    nn.Conv2d: _conv,
    nn.MaxPool2d: _pool("MaxPool2d"),
    nn.AvgPool2d: _pool("AvgPool2d"),
    nn.AdaptiveAvgPool2d: _global_pool,
    nn.BatchNorm1d: _batch_norm("BatchNorm1d"),
    nn.BatchNorm2d: _batch_norm("BatchNorm2d"),
    nn.Dropout: lambda m, n: L("Dropout", p=m.p),
    nn.Flatten: lambda m, n: _flatten(n, m.start_dim, m.end_dim),
    nn.Identity: lambda m, n: None,
    nn.ReLU: lambda m, n: L("ReLU"),
    nn.ReLU6: lambda m, n: L("ReLU6"),
    nn.LeakyReLU: lambda m, n: L("LeakyReLU", negative_slope=m.negative_slope),
    nn.Sigmoid: lambda m, n: L("Sigmoid"),
    nn.Tanh: lambda m, n: L("Tanh"),
    nn.GELU: lambda m, n: L("GELU") if m.approximate == "none" else _refuse(n, "tanh GELU"),
    nn.Softmax: _softmax,
    nn.ZeroPad2d: lambda m, n: L(
        "ZeroPad2d", left=m.padding[0], right=m.padding[1], top=m.padding[2], bottom=m.padding[3]
    ),
}


def _refuse(node: fx.Node, what: str) -> LayerSpec:
    raise ImportRefused(f"{node.name}: {what} has no card in the catalog{_where(node)}")


def _arg(node: fx.Node, i: int, default: Any = None) -> Any:
    return node.args[i] if len(node.args) > i else default


def _flatten(node: fx.Node, start: int = 1, end: int = -1) -> LayerSpec | None:
    if start != 1 or end != -1:
        raise ImportRefused(f"{node.name}: flattening from dimension {start} has no card")
    return L("Flatten")


def _function_layer(node: fx.Node) -> tuple[LayerSpec | None, list[fx.Node]]:
    """A call of a function or a tensor method as a catalog node, and the inputs it reads."""
    target = node.target
    first = node.args[0] if node.args else None
    if target in (operator.add, torch.add, "add", operator.mul, torch.mul, "mul"):
        kind = "Add" if target in (operator.add, torch.add, "add") else "Multiply"
        inputs = list(node.args[:2])
        if not all(isinstance(a, fx.Node) for a in inputs) or node.kwargs.get("alpha", 1) != 1:
            return _refuse(node, f"{kind.lower()} with a constant"), []
        return L(kind), inputs
    if target is torch.cat:
        dim = node.kwargs.get("dim", _arg(node, 1, 0))
        if dim % (len(_out_shape(node)) + 1) != 1:  # the channels (or features) of a batch
            return _refuse(node, f"cat along dimension {dim}"), []
        return L("Concat"), list(first)
    simple = SIMPLE_FUNCTIONS.get(target)
    if simple is not None:
        return L(simple), [first]
    if target in (F.dropout, "dropout"):
        return L("Dropout", p=node.kwargs.get("p", _arg(node, 1, 0.5))), [first]
    if target in (torch.flatten, "flatten"):
        start = node.kwargs.get("start_dim", _arg(node, 1, 0))
        return _flatten(node, start, node.kwargs.get("end_dim", _arg(node, 2, -1))), [first]
    if target in ("view", "reshape", torch.reshape):
        if len(_out_shape(node)) != 1:
            return _refuse(node, "a reshape to anything but one flat vector"), []
        return L("Flatten"), [first]
    if target in (F.softmax, torch.softmax, "softmax"):
        return _softmax(None, node), [first]
    if target in (F.max_pool2d, F.avg_pool2d):
        kind = "MaxPool2d" if target is F.max_pool2d else "AvgPool2d"
        kernel = _square(node.kwargs.get("kernel_size", _arg(node, 1)), "kernel", node)
        stride = node.kwargs.get("stride", _arg(node, 2)) or kernel
        padding = node.kwargs.get("padding", _arg(node, 3, 0))
        return L(
            kind,
            kernel_size=kernel,
            stride=_square(stride, "stride", node),
            padding=_square(padding, "padding", node),
        ), [first]
    if target is F.adaptive_avg_pool2d:
        return _global_pool(None, node), [first]
    if target in (torch.mean, "mean"):
        return _mean(node), [first]
    name = getattr(target, "__name__", str(target))
    return _refuse(node, f"{name}()"), []


SIMPLE_FUNCTIONS: dict[Any, str] = {
    F.relu: "ReLU",
    torch.relu: "ReLU",
    "relu": "ReLU",
    F.relu6: "ReLU6",
    torch.sigmoid: "Sigmoid",
    F.sigmoid: "Sigmoid",
    "sigmoid": "Sigmoid",
    torch.tanh: "Tanh",
    F.tanh: "Tanh",
    "tanh": "Tanh",
    F.gelu: "GELU",
}


def _copy_weights(model: nn.Module, nodes: list[LayerSpec], sources: dict) -> None:
    """Load each imported module's weights into the node built from it."""
    ids = [n.id for n in nodes]
    built = model.nodes if isinstance(model, GraphNet) else dict(zip(ids, model, strict=True))
    for node_id, source in sources.items():
        built[node_id].load_state_dict(source.state_dict())
