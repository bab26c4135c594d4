"""Edits of a graph spec, as the canvas makes them: add a node, wire, unwire, insert on a wire,
remove, fold nodes into a named block and unfold it, open a sealed Residual or MBConv card into
its own nodes. Each takes a spec and gives a new one (a stack becomes the same chain as a graph
first); a graph may be unfinished in between (a node not wired yet): the shape report names it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from playground.core.errors import SpecError
from playground.core.model.geometry import (
    Shape,
    mbconv_skips,
    residual_projects,
    same_padding,
    se_squeezed,
)
from playground.core.model.layers import layer_type
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import (
    ID_PATTERN,
    INPUT,
    LayerSpec,
    NetworkSpec,
    topological,
    unique_node_id,
)


def as_graph(spec: NetworkSpec) -> NetworkSpec:
    """A stack as the same chain of named nodes (a graph already is one, as is)."""
    if spec.is_graph or not spec.layers:
        return spec
    nodes: list[LayerSpec] = []
    previous = INPUT
    for layer in spec.layers:
        node_id = unique_node_id(layer.type.lower(), {n.id for n in nodes})
        nodes.append(layer.wired(node_id, [previous]))
        previous = node_id
    return NetworkSpec(spec.input_shape, tuple(nodes), previous)


def node_index(spec: NetworkSpec, node_id: str) -> int:
    """Where node_id is in spec.layers; SpecError if there is no such node."""
    for i, layer in enumerate(spec.layers):
        if layer.id == node_id:
            return i
    raise SpecError(f"the network has no node {node_id!r}")


def add_node(
    spec: NetworkSpec, type_name: str, inputs: Iterable[str] = ()
) -> tuple[NetworkSpec, str]:
    """spec with a new node of type_name fed by inputs (none: not wired yet), and its id."""
    graph = as_graph(spec)
    node_id = unique_node_id(type_name.lower(), {n.id for n in graph.layers})
    node = LayerSpec.make(type_name).wired(node_id, tuple(inputs))
    output = graph.output or node_id  # the first node of an empty network is its output
    return _settled(graph, [*graph.layers, node], output), node_id


def connect(spec: NetworkSpec, source: str, target: str, slot: int | None = None) -> NetworkSpec:
    """Wire source's output into target: a merge takes it as input slot (a new one when slot is
    None or past its inputs); any other node takes it as its one input, replacing the old."""
    graph = as_graph(spec)
    node = graph.layers[node_index(graph, target)]
    if source != INPUT:
        node_index(graph, source)
    if source == target or target in _upstream(graph, source):
        raise SpecError(f"wiring {source} into {target} would make a cycle: wire forward")
    inputs = list(node.inputs)
    if not layer_type(node.type).merges:
        inputs = [source]
    elif slot is not None and slot < len(inputs):
        inputs[slot] = source
    elif source not in inputs:
        inputs.append(source)
    return _replaced(graph, replace(node, inputs=tuple(inputs)))


def disconnect(spec: NetworkSpec, source: str, target: str) -> NetworkSpec:
    """spec without the wire from source into target."""
    node = spec.layers[node_index(spec, target)]
    return _replaced(spec, replace(node, inputs=tuple(s for s in node.inputs if s != source)))


def insert_on_wire(
    spec: NetworkSpec, source: str, target: str, type_name: str
) -> tuple[NetworkSpec, str]:
    """A new node of type_name between source and target, and its id."""
    graph, node_id = add_node(spec, type_name, [source])
    node = graph.layers[node_index(graph, target)]
    inputs = tuple(node_id if s == source else s for s in node.inputs)
    return _replaced(graph, replace(node, inputs=inputs)), node_id


def remove_node(spec: NetworkSpec, node_id: str) -> NetworkSpec:
    """spec without node_id; what it fed is fed by its first input instead (removing a card
    from a chain keeps the chain), a merge just loses that input."""
    graph = as_graph(spec)
    gone = graph.layers[node_index(graph, node_id)]
    bridge = gone.inputs[0] if gone.inputs else None
    nodes = []
    for node in graph.layers:
        if node.id == node_id:
            continue
        if node_id in node.inputs:
            merges = layer_type(node.type).merges
            inputs = [bridge if s == node_id and bridge and not merges else s for s in node.inputs]
            node = replace(node, inputs=tuple(s for s in inputs if s != node_id))
        nodes.append(node)
    if not nodes:
        return NetworkSpec(graph.input_shape)
    output = graph.output
    if output == node_id:
        output = bridge if bridge and bridge != INPUT else nodes[-1].id
    return _settled(graph, nodes, output)


def fold(spec: NetworkSpec, ids: Iterable[str], name: str = "") -> tuple[NetworkSpec, str]:
    """The nodes named in ids grouped as one block (drawn as one card), and its name."""
    graph = as_graph(spec)
    chosen = set(ids)
    if not chosen:
        raise SpecError("select the cards to fold first")
    # a card outside that is fed by a chosen card and feeds one would loop through the block
    upstream = set().union(*(_upstream(graph, i) for i in chosen)) - chosen
    between = [n.id for n in graph.layers if n.id in upstream and _upstream(graph, n.id) & chosen]
    if between:
        raise SpecError(
            f"{between[0]} lies between the chosen cards: fold it too, or fold cards that "
            "follow each other"
        )
    taken = {n.block for n in graph.layers} | {n.id for n in graph.layers}
    name = unique_node_id(name or "block", taken)
    nodes = [replace(n, block=name) if n.id in chosen else n for n in graph.layers]
    return replace(graph, layers=tuple(nodes)), name


def unfold(spec: NetworkSpec, name: str) -> NetworkSpec:
    """spec with the block name's nodes no longer grouped."""
    return spec.with_layers([replace(n, block="") if n.block == name else n for n in spec.layers])


def rename_block(spec: NetworkSpec, name: str, new: str) -> NetworkSpec:
    """spec with block name called new; SpecError if new is no name or already taken."""
    if not ID_PATTERN.fullmatch(new) or new == INPUT:
        raise SpecError(f"{new!r} is not a block name: use letters, digits and _")
    if new != name and new in {n.block for n in spec.layers} | {n.id for n in spec.layers}:
        raise SpecError(f"{new!r} is taken: give the block a name of its own")
    return spec.with_layers([replace(n, block=new) if n.block == name else n for n in spec.layers])


def block_nodes(spec: NetworkSpec, name: str) -> list[LayerSpec]:
    return [n for n in spec.layers if n.block == name]


class _Body:
    """The nodes a sealed card opens into, named after the card; the last keeps its id."""

    def __init__(self, card_id: str, taken: set[str]) -> None:
        self.card_id, self.taken, self.nodes = card_id, taken, []

    def add(self, type_name: str, suffix: str, inputs: list[str], **params) -> str:
        new_id = unique_node_id(f"{self.card_id}_{suffix}", self.taken)
        self.taken.add(new_id)
        self.nodes.append(LayerSpec.make(type_name, **params).wired(new_id, inputs))
        return new_id

    def last(self, type_name: str, inputs: list[str], **params) -> None:
        """The block's output: it keeps the card's id, so what the card fed is still fed."""
        self.nodes.append(LayerSpec.make(type_name, **params).wired(self.card_id, inputs))


def _residual_body(body: _Body, p: dict, source: str, in_shape: Shape) -> None:
    """conv, batch norm, ReLU, conv, batch norm; a 1×1 projection on the shortcut when the
    shape changes; Add; ReLU."""
    out, stride = p["out_channels"], p["stride"]
    conv = {"kernel_size": 3, "padding": 1, "bias": False}
    x = body.add("Conv2d", "conv1", [source], out_channels=out, stride=stride, **conv)
    x = body.add("ReLU", "relu1", [body.add("BatchNorm2d", "bn1", [x])])
    x = body.add("BatchNorm2d", "bn2", [body.add("Conv2d", "conv2", [x], out_channels=out, **conv)])
    shortcut = source
    if residual_projects(in_shape[0], out, stride):
        project = {"kernel_size": 1, "stride": stride, "bias": False}
        y = body.add("Conv2d", "project", [source], out_channels=out, **project)
        shortcut = body.add("BatchNorm2d", "project_bn", [y])
    body.last("ReLU", [body.add("Add", "add", [x, shortcut])])


def _mbconv_body(body: _Body, p: dict, source: str, in_shape: Shape) -> None:
    """1×1 expand, depthwise k×k (padded as the sealed block pads), squeeze-and-excite (pool
    to C×1×1, 1×1 reduce, 1×1 expand, Sigmoid, Multiply), 1×1 project; Add when it skips.
    Each convolution has batch norm and ReLU6 after it, the projection batch norm only."""
    cin, h, w = in_shape
    hidden, k, stride, out = cin * p["expansion"], p["kernel_size"], p["stride"], p["out_channels"]
    pointwise = {"kernel_size": 1, "bias": False}
    x = source
    if p["expansion"] != 1:
        x = body.add("Conv2d", "expand", [x], out_channels=hidden, **pointwise)
        x = body.add("BatchNorm2d", "expand_bn", [x])
        x = body.add("ReLU6", "expand_act", [x])
    (top, bottom), (left, right) = same_padding(h, k, stride), same_padding(w, k, stride)
    padding = top
    if len({top, bottom, left, right}) > 1:  # Conv2d pads all sides alike
        sides = {"left": left, "right": right, "top": top, "bottom": bottom}
        x, padding = body.add("ZeroPad2d", "pad", [x], **sides), 0
    depthwise = {"kernel_size": k, "stride": stride, "padding": padding, "groups": hidden}
    x = body.add("Conv2d", "depthwise", [x], out_channels=hidden, bias=False, **depthwise)
    x = body.add("BatchNorm2d", "depthwise_bn", [x])
    x = body.add("ReLU6", "depthwise_act", [x])
    squeezed = se_squeezed(cin, p["se_ratio"])
    if squeezed:
        g = body.add("GlobalAvgPool2d", "squeeze", [x], keepdim=True)
        g = body.add("Conv2d", "se_reduce", [g], out_channels=squeezed, kernel_size=1)
        g = body.add("ReLU6", "se_act", [g])
        g = body.add("Conv2d", "se_expand", [g], out_channels=hidden, kernel_size=1)
        g = body.add("Sigmoid", "se_gate", [g])
        x = body.add("Multiply", "se_scale", [x, g])
    x = body.add("Conv2d", "project", [x], out_channels=out, **pointwise)
    if mbconv_skips(cin, out, stride, p["skip"]):
        body.last("Add", [body.add("BatchNorm2d", "project_bn", [x]), source])
    else:
        body.last("BatchNorm2d", [x])


OPENS = {"Residual": _residual_body, "MBConv": _mbconv_body}  # the sealed cards that open


def open_card(spec: NetworkSpec, node_id: str) -> tuple[NetworkSpec, str]:
    """A sealed Residual or MBConv card replaced by its own nodes grouped as a block, with the
    same output shape and parameter count; and the block's name."""
    graph = as_graph(spec)
    index = node_index(graph, node_id)
    card = graph.layers[index]
    if card.type not in OPENS:
        raise SpecError(f"{card.type} is not a block that opens: only {' and '.join(OPENS)} do")
    source = card.inputs[0] if card.inputs else None
    in_shape = _input_shape(graph, source)
    if source is None or in_shape is None or len(in_shape) != 3:
        raise SpecError(f"{node_id} has no image input yet: fix the cards above it first")
    body = _Body(node_id, {n.id for n in graph.layers})
    OPENS[card.type](body, card.params, source, in_shape)
    name = unique_node_id(f"{node_id}_block", body.taken | {n.block for n in graph.layers})
    opened = [replace(n, block=name) for n in body.nodes]
    nodes = [*graph.layers[:index], *opened, *graph.layers[index + 1 :]]
    return replace(graph, layers=tuple(nodes)), name


def _input_shape(graph: NetworkSpec, source: str | None):
    if source is None:
        return None
    if source == INPUT:
        return tuple(graph.input_shape)
    report = infer_shapes(graph)
    return report.layers[node_index(graph, source)].output_shape


def _upstream(spec: NetworkSpec, node_id: str) -> set[str]:
    """The ids whose outputs node_id depends on (not itself)."""
    by_id = {n.id: n for n in spec.layers}
    seen: set[str] = set()
    todo = list(by_id[node_id].inputs) if node_id in by_id else []
    while todo:
        current = todo.pop()
        if current in by_id and current not in seen:
            seen.add(current)
            todo.extend(by_id[current].inputs)
    return seen


def _replaced(spec: NetworkSpec, node: LayerSpec) -> NetworkSpec:
    nodes = [node if n.id == node.id else n for n in spec.layers]
    return _settled(spec, nodes, spec.output)


def _settled(spec: NetworkSpec, nodes: list[LayerSpec], output: str) -> NetworkSpec:
    """nodes in order with their output: when the output now feeds another node, the network
    ends where that chain ends (the last node downstream of it that feeds nothing)."""
    ordered = topological(tuple(nodes))
    graph = NetworkSpec(spec.input_shape, ordered, output)
    fed = {s for n in ordered for s in n.inputs}
    if output in fed:
        ends = [n.id for n in ordered if n.id not in fed and output in _upstream(graph, n.id)]
        if ends:
            graph = replace(graph, output=ends[-1])
    return graph
