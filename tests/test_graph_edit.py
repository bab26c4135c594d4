"""The canvas's edits as spec transformations: wiring, inserting, removing, folding and opening
a Residual or MBConv card, each giving a graph whose shapes and errors say what a learner sees."""

import json

import pytest
import torch

from playground.core.errors import SpecError
from playground.core.model import graph_edit as g
from playground.core.model.build import build_model
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import LayerSpec, NetworkSpec

L = LayerSpec.make


def cnn() -> NetworkSpec:
    """conv(16) → conv(32, stride 2) → relu → flatten → linear(10), on 1×28×28."""
    return NetworkSpec(
        (1, 28, 28),
        (
            L("Conv2d", out_channels=16, kernel_size=3, padding=1),
            L("Conv2d", out_channels=32, kernel_size=3, padding=1, stride=2),
            L("ReLU"),
            L("Flatten"),
            L("Linear", out_features=10),
        ),
    )


def test_a_stack_becomes_the_same_chain_as_a_graph():
    graph = g.as_graph(cnn())
    assert [n.id for n in graph.layers] == ["conv2d", "conv2d_2", "relu", "flatten", "linear"]
    assert graph.layers[1].inputs == ("conv2d",) and graph.output == "linear"
    assert infer_shapes(graph, 10).total_params == infer_shapes(cnn(), 10).total_params


def test_a_residual_wired_by_hand_names_the_fix_then_trains_once_it_is_applied():
    graph, add = g.add_node(cnn(), "Add")
    assert infer_shapes(graph, 10).error == (
        "add (Add): Add has no input: drag a wire to it from a card's output"
    )
    graph = g.connect(graph, "conv2d_2", add)
    graph = g.connect(graph, "conv2d", add)
    graph = g.connect(graph, add, "relu")
    assert [n.id for n in graph.layers].index("add") < [n.id for n in graph.layers].index("relu")
    assert infer_shapes(graph, 10).error == (
        "add (Add): in2 is 16×28×28 but in1 is 32×14×14: give the shortcut a 1×1 Conv2d with "
        "32 out_channels and stride 2"
    )
    graph, short = g.insert_on_wire(graph, "conv2d", add, "Conv2d")
    for name, value in (("out_channels", 32), ("kernel_size", 1), ("stride", 2)):
        graph = graph.with_param(g.node_index(graph, short), name, value)
    report = infer_shapes(graph, 10)
    assert report.ok, report.error
    assert graph.layers[g.node_index(graph, add)].inputs == ("conv2d_2", short)


def test_wiring_backwards_is_refused_as_a_cycle():
    graph = g.as_graph(cnn())
    with pytest.raises(SpecError, match="relu into conv2d would make a cycle"):
        g.connect(graph, "relu", "conv2d")
    with pytest.raises(SpecError, match="cycle"):
        g.connect(graph, "relu", "relu")


def test_wiring_the_output_onward_moves_the_end_of_the_network():
    graph, extra = g.add_node(cnn(), "ReLU")
    assert graph.output == "linear"
    assert "ReLU has no input" in infer_shapes(graph, 10).error
    graph = g.connect(graph, "linear", extra)
    assert graph.output == extra and infer_shapes(graph, 10).ok


def test_removing_a_card_keeps_the_chain_and_a_merge_loses_the_input():
    graph = g.remove_node(g.as_graph(cnn()), "relu")
    assert graph.layers[g.node_index(graph, "flatten")].inputs == ("conv2d_2",)
    graph, add = g.add_node(graph, "Add", ["conv2d", "conv2d_2"])
    graph = g.remove_node(graph, "conv2d_2")
    assert graph.layers[g.node_index(graph, add)].inputs == ("conv2d",)
    assert graph.layers[g.node_index(graph, "flatten")].inputs == ("conv2d",)
    graph = g.remove_node(graph, "linear")
    assert graph.output == "flatten"


def test_disconnect_leaves_an_unwired_node_that_is_named_and_saved():
    graph = g.disconnect(g.as_graph(cnn()), "conv2d", "conv2d_2")
    report = infer_shapes(graph, 10)
    assert report.error.startswith("conv2d_2 (Conv2d): Conv2d has no input")
    assert NetworkSpec.from_json(graph.to_json()) == graph


def test_a_folded_block_is_saved_builds_alike_and_unfolds():
    graph, name = g.fold(cnn(), ["conv2d", "conv2d_2", "relu"])
    assert name == "block" and [n.id for n in g.block_nodes(graph, name)][-1] == "relu"
    assert json.loads(graph.to_json())["nodes"][0]["block"] == "block"
    assert NetworkSpec.from_json(graph.to_json()) == graph  # a straight graph stays one
    assert infer_shapes(graph, 10).total_params == infer_shapes(cnn(), 10).total_params
    _, second = g.fold(graph, ["flatten"])
    assert second == "block_2"
    assert not any(n.block for n in g.unfold(graph, name).layers)
    with pytest.raises(SpecError, match="conv2d_2 lies between the chosen cards"):
        g.fold(cnn(), ["conv2d", "relu"])
    renamed = g.rename_block(graph, name, "stem")
    assert [n.id for n in g.block_nodes(renamed, "stem")] == ["conv2d", "conv2d_2", "relu"]
    for bad, why in (("relu", "is taken"), ("2x", "not a block name")):
        with pytest.raises(SpecError, match=why):
            g.rename_block(graph, name, bad)


@pytest.mark.parametrize(("channels", "stride", "projects"), [(8, 1, False), (16, 2, True)])
def test_a_residual_card_opens_into_its_nodes_with_the_same_shape_and_weights(
    channels, stride, projects
):
    spec = NetworkSpec(
        (8, 12, 12),
        (
            L("Residual", out_channels=channels, stride=stride),
            L("Flatten"),
            L("Linear", out_features=3),
        ),
    )
    sealed = infer_shapes(spec, 3)
    graph, name = g.open_card(spec, "residual")
    opened = infer_shapes(graph, 3)
    assert opened.ok, opened.error
    assert opened.total_params == sealed.total_params
    block = g.block_nodes(graph, name)
    assert {n.type for n in block} == {"Conv2d", "BatchNorm2d", "ReLU", "Add"}
    assert any(n.id == "residual_project" for n in block) == projects
    last = opened.layers[g.node_index(graph, "residual")]
    assert last.type == "ReLU" and last.output_shape == sealed.layers[0].output_shape
    with pytest.raises(SpecError, match="only Residual and MBConv do"):
        g.open_card(graph, "flatten")


@pytest.mark.parametrize(
    ("params", "opened_into"),
    [
        (  # the skip: Add; 3×3 at stride 1 pads evenly
            {"out_channels": 8, "expansion": 6, "kernel_size": 3, "se_ratio": 0.25},
            {"mbconv_expand", "mbconv_se_scale", "mbconv_project_bn"},
        ),
        (  # no expansion, no gate, no skip; an even kernel pads unevenly: ZeroPad2d first
            {"out_channels": 16, "expansion": 1, "kernel_size": 4, "stride": 2},
            {"mbconv_pad"},
        ),
        (  # 5×5 at stride 3 on 11×11: the odd zero after, as the sealed block pads
            {"out_channels": 8, "expansion": 4, "kernel_size": 5, "stride": 3, "se_ratio": 0.5},
            {"mbconv_pad", "mbconv_expand", "mbconv_se_scale"},
        ),
    ],
)
def test_an_mbconv_card_opens_into_its_layers_that_compute_the_same(params, opened_into):
    spec = NetworkSpec(
        (8, 11, 11), (L("MBConv", **params), L("GlobalAvgPool2d"), L("Linear", out_features=3))
    )
    sealed = infer_shapes(spec, 3)
    graph, name = g.open_card(spec, "mbconv")
    opened = infer_shapes(graph, 3)
    assert opened.ok, opened.error
    assert opened.total_params == sealed.total_params
    block = {n.id: n for n in g.block_nodes(graph, name)}
    assert opened_into <= set(block) and block["mbconv_depthwise"].params["groups"] > 1
    skips = params["out_channels"] == 8 and params.get("stride", 1) == 1
    assert block["mbconv"].type == ("Add" if skips else "BatchNorm2d")
    out = opened.layers[g.node_index(graph, "mbconv")].output_shape
    assert out == sealed.layers[0].output_shape
    # the same weights give the same outputs: it is the sealed block, layer by layer
    torch.manual_seed(0)
    a, b = build_model(spec, 3).eval(), build_model(graph, 3).eval()
    weights = a.state_dict().values()
    assert [w.shape for w in weights] == [w.shape for w in b.state_dict().values()]
    b.load_state_dict(dict(zip(b.state_dict(), weights, strict=True)))
    x = torch.randn(2, 8, 11, 11)
    torch.testing.assert_close(b(x), a(x))
