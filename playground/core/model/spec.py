"""The network spec: a plain, serialisable value. Version 1 files hold a straight stack of
layers; version 2 files hold a graph: nodes with an id, a type, parameters and the ids of their
inputs ("input" is the network's input), and the id of the output node."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from playground.core.errors import SpecError
from playground.core.limits import (
    MAX_INPUT_VALUES,
    MAX_LAYERS,
    MAX_SPEC_BYTES,
    brief,
    check_not_special,
    mib,
    parse_json,
    read_limited,
)
from playground.core.model.layers import Shape, layer_type

FORMAT = "playground.network"
VERSION = 2  # the newest this app reads; a straight stack is still written as version 1
INPUT = "input"  # the id that names the network's input among a node's inputs
ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")  # also a torch module name


@dataclass(frozen=True)
class LayerSpec:
    """One layer: its type name and its parameter values (all of them, defaults filled in)."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)
    id: str = ""  # in a graph: the node's name; empty in a straight stack
    inputs: tuple[str, ...] = ()  # in a graph: the ids its inputs come from, in order
    block: str = ""  # in a graph: the folded block it belongs to (drawing only; builds alike)

    @classmethod
    def make(cls, type_name: str, **params: Any) -> LayerSpec:
        """A layer with defaults for the parameters not given; raises SpecError if invalid."""
        try:
            t = layer_type(type_name)
        except KeyError as e:
            raise SpecError(str(e.args[0])) from None
        unknown = set(params) - {p.name for p in t.params}
        if unknown:
            names = ", ".join(brief(n) for n in sorted(unknown))
            known = ", ".join(p.name for p in t.params) or "none"
            raise SpecError(f"{type_name} has no parameter {names} (its parameters: {known})")
        values = t.defaults()
        for name, value in params.items():
            try:
                values[name] = t.param(name).check(value)
            except ValueError as e:
                raise SpecError(f"{type_name}: {e}") from None
        return cls(type_name, values)

    def with_param(self, name: str, value: Any) -> LayerSpec:
        changed = LayerSpec.make(self.type, **{**self.params, name: value})
        return replace(changed, id=self.id, inputs=self.inputs, block=self.block)

    def wired(self, node_id: str, inputs: tuple[str, ...] | list[str]) -> LayerSpec:
        """This layer as a graph node named node_id, fed by the nodes named in inputs."""
        return replace(self, id=node_id, inputs=tuple(inputs))

    def saved_params(self) -> dict[str, Any]:
        """The parameter values a file writes (a newer parameter only when set)."""
        t = layer_type(self.type)
        return {k: v for k, v in self.params.items() if t.param(k).saved(v)}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **self.saved_params()}

    def node_dict(self) -> dict[str, Any]:
        node = {
            "id": self.id,
            "type": self.type,
            "params": self.saved_params(),
            "inputs": list(self.inputs),
        }
        return node | ({"block": self.block} if self.block else {})


@dataclass(frozen=True)
class NetworkSpec:
    """Input shape (no batch dimension) and the layers in order: a straight stack, or a graph's
    nodes in an order where every node comes after its inputs (then output names the last)."""

    input_shape: Shape
    layers: tuple[LayerSpec, ...] = ()
    output: str = ""  # a graph's output node; empty for a straight stack

    @property
    def is_graph(self) -> bool:
        """Whether the layers are wired by name (branches, merges) rather than stacked."""
        return bool(self.output)

    def with_layers(self, layers: list[LayerSpec] | tuple[LayerSpec, ...]) -> NetworkSpec:
        return replace(self, layers=tuple(layers))

    def with_input_shape(self, shape: Shape) -> NetworkSpec:
        return replace(self, input_shape=tuple(shape))

    def inserted(self, index: int, layer: LayerSpec) -> NetworkSpec:
        layers = list(self.layers)
        layers.insert(index, layer)
        return self.with_layers(layers)

    def removed(self, index: int) -> NetworkSpec:
        return self.with_layers(self.layers[:index] + self.layers[index + 1 :])

    def moved(self, source: int, target: int) -> NetworkSpec:
        """Move layer source so that it lands before the layer now at target (0..len)."""
        layers = list(self.layers)
        layer = layers.pop(source)
        layers.insert(target - 1 if target > source else target, layer)
        return self.with_layers(layers)

    def with_param(self, index: int, name: str, value: Any) -> NetworkSpec:
        layers = list(self.layers)
        layers[index] = layers[index].with_param(name, value)
        return self.with_layers(layers)

    def to_dict(self) -> dict[str, Any]:
        if self.is_graph:
            return {
                "format": FORMAT,
                "version": 2,
                "input_shape": list(self.input_shape),
                "nodes": [layer.node_dict() for layer in self.layers],
                "output": self.output,
            }
        return {
            "format": FORMAT,
            "version": 1,
            "input_shape": list(self.input_shape),
            "layers": [layer.to_dict() for layer in self.layers],
        }

    @classmethod
    def from_dict(cls, data: Any) -> NetworkSpec:
        """Parse and validate a spec dict; SpecError with a clear message on anything wrong."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SpecError("not a Neural Playground network (format field missing or wrong)")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise SpecError('the network file has no valid version (it should say "version": 1)')
        if version > VERSION:
            raise SpecError(
                f"the network was saved by a newer Neural Playground (format version {version}, "
                f"this one reads up to {VERSION}): update the app"
            )
        shape = data.get("input_shape")
        if (
            not isinstance(shape, list)
            or len(shape) not in (1, 3)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape)
        ):
            raise SpecError("input_shape must be [features] or [channels, height, width]")
        if math.prod(shape) > MAX_INPUT_VALUES:
            raise SpecError(
                f"input_shape {shape} has more than {MAX_INPUT_VALUES:,} values per sample: "
                "use smaller images"
            )
        if version >= 2:
            layers, output = _parse_nodes(data.get("nodes"), data.get("output"))
            return cls(tuple(shape), layers, output).as_stack_if_straight()
        return cls(tuple(shape), tuple(_parse_layers(data.get("layers"))))

    def as_stack_if_straight(self) -> NetworkSpec:
        """A graph that is one chain in order, from the input to the output, as a plain stack
        (so every view that knows stacks shows it as before); one with folded blocks stays."""
        if any(layer.block for layer in self.layers):
            return self
        previous = INPUT
        for layer in self.layers:
            if layer.inputs != (previous,):
                return self
            previous = layer.id
        if previous != self.output:
            return self
        plain = tuple(replace(layer, id="", inputs=()) for layer in self.layers)
        return NetworkSpec(self.input_shape, plain)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> NetworkSpec:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        if len(raw) > MAX_SPEC_BYTES:
            raise SpecError(f"the network file is larger than {mib(MAX_SPEC_BYTES)}")
        return cls.from_dict(parse_json(raw, "the network file", SpecError))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> NetworkSpec:
        """The spec in a JSON file; SpecError naming the file and what is wrong."""
        path = Path(path)
        check_not_special(path, SpecError)
        try:
            with open(path, "rb") as f:
                raw = read_limited(f, MAX_SPEC_BYTES, path.name, SpecError)
        except OSError as e:
            raise SpecError(f"cannot read {path}: {e.strerror or e}") from None
        try:
            return cls.from_json(raw)
        except SpecError as e:
            raise SpecError(f"{path.name}: {e}") from None


def _parse_layers(layers: Any) -> list[LayerSpec]:
    """Version 1's list of layers, each checked."""
    if not isinstance(layers, list):
        raise SpecError("layers must be a list")
    if len(layers) > MAX_LAYERS:
        raise SpecError(
            f"the network has {len(layers):,} layers, more than {MAX_LAYERS:,}: use fewer"
        )
    parsed = []
    for i, item in enumerate(layers):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise SpecError(f'layer {i + 1} has no type: give it one, such as "type": "Linear"')
        params = {k: v for k, v in item.items() if k != "type"}
        try:
            parsed.append(LayerSpec.make(item["type"], **params))
        except SpecError as e:
            raise SpecError(f"layer {i + 1}: {e}") from None
    return parsed


def _parse_nodes(nodes: Any, output: Any) -> tuple[tuple[LayerSpec, ...], str]:
    """Version 2's nodes, each checked, in an order where inputs come first; and the output."""
    if not isinstance(nodes, list) or not nodes:
        raise SpecError("nodes must be a list of at least one node")
    if len(nodes) > MAX_LAYERS:
        raise SpecError(
            f"the network has {len(nodes):,} nodes, more than {MAX_LAYERS:,}: use fewer"
        )
    parsed: dict[str, LayerSpec] = {}
    for i, item in enumerate(nodes):
        node = _parse_node(i, item)
        if node.id in parsed:
            raise SpecError(f"two nodes are named {node.id!r}: give each node its own id")
        parsed[node.id] = node
    if not isinstance(output, str) or output not in parsed:
        raise SpecError(f"output must name one of the nodes, not {brief(output)}")
    for node in parsed.values():
        for source in node.inputs:
            if source != INPUT and source not in parsed:
                raise SpecError(f"{node.id}: its input {brief(source)} is no node of the network")
    return topological(tuple(parsed.values())), output


def _parse_node(i: int, item: Any) -> LayerSpec:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise SpecError(f'node {i + 1} has no type: give it one, such as "type": "Linear"')
    node_id, params, inputs = item.get("id"), item.get("params", {}), item.get("inputs")
    block = item.get("block", "")
    if not isinstance(node_id, str) or not ID_PATTERN.fullmatch(node_id) or node_id == INPUT:
        raise SpecError(
            f"node {i + 1}'s id {brief(node_id)} is not a name: use letters, digits and _ "
            f"(at most 64, not starting with a digit, not {INPUT!r})"
        )
    if not isinstance(params, dict):
        raise SpecError(f"{node_id}: params must be an object of parameter values")
    # An empty list is a node not wired yet (saved mid-edit): the shape report names it.
    if not isinstance(inputs, list) or not all(isinstance(s, str) for s in inputs):
        raise SpecError(f'{node_id}: inputs must list the ids it takes, such as ["{INPUT}"]')
    if block and (not isinstance(block, str) or not ID_PATTERN.fullmatch(block)):
        raise SpecError(
            f"{node_id}: its block {brief(block)} is not a name: use letters, digits, _"
        )
    try:
        return replace(LayerSpec.make(item["type"], **params).wired(node_id, inputs), block=block)
    except SpecError as e:
        raise SpecError(f"{node_id}: {e}") from None


def card_name(spec: NetworkSpec, index: int) -> str:
    """Layer index's name as its card and build.node_names give it: '4 Conv2d' in a stack
    (from 1), 'a1 Conv2d' in a graph (by its node)."""
    layer = spec.layers[index]
    return f"{layer.id or index + 1} {layer.type}"


def topological(nodes: tuple[LayerSpec, ...]) -> tuple[LayerSpec, ...]:
    """nodes ordered so that each comes after its inputs (stable: the given order where it
    allows); SpecError naming the nodes of a cycle."""
    by_id = {n.id: n for n in nodes}
    placed: set[str] = {INPUT}
    order: list[LayerSpec] = []
    waiting = list(nodes)
    while waiting:
        ready = next(
            (i for i, n in enumerate(waiting) if all(s in placed for s in n.inputs if s in by_id)),
            None,
        )
        if ready is None:
            cycle = " → ".join(n.id for n in waiting)
            raise SpecError(f"the nodes {cycle} feed each other in a cycle: remove a wire")
        node = waiting.pop(ready)
        order.append(node)
        placed.add(node.id)
    return tuple(order)


def unique_node_id(name: str, taken: set[str]) -> str:
    """name made a valid node id (letters, digits, _) that is not in taken."""
    base = re.sub(r"\W", "_", name)[:60] or "node"
    base = base if not base[0].isdigit() and base != INPUT else f"n_{base}"
    node_id, n = base, 1
    while node_id in taken:
        n += 1
        node_id = f"{base}_{n}"
    return node_id
