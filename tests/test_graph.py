"""Networks as graphs: version 2 files, shapes per node with errors that name the fix, and
models that branch and merge."""

import json

import pytest
import torch

from playground.core.errors import SpecError
from playground.core.model.build import build_model, learnable_layers, logits_part
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import LayerSpec, NetworkSpec

L = LayerSpec.make


def residual(shortcut: list[LayerSpec] | None = None, stride: int = 2) -> NetworkSpec:
    """conv → [conv(stride) → bn] + shortcut → relu → flatten → linear, on 1×28×28."""
    nodes = [
        L("Conv2d", out_channels=16, kernel_size=3, padding=1).wired("stem", ["input"]),
        L("Conv2d", out_channels=32, kernel_size=3, padding=1, stride=stride).wired(
            "body", ["stem"]
        ),
        L("BatchNorm2d").wired("bn", ["body"]),
    ]
    join = "stem"
    for i, layer in enumerate(shortcut or []):
        nodes.append(layer.wired(f"short{i}", [join]))
        join = f"short{i}"
    nodes += [
        L("Add").wired("add", ["bn", join]),
        L("ReLU").wired("relu", ["add"]),
        L("Flatten").wired("flat", ["relu"]),
        L("Linear", out_features=10).wired("out", ["flat"]),
    ]
    return NetworkSpec((1, 28, 28), tuple(nodes), "out")


def test_a_size_mismatch_names_the_node_the_input_and_the_fix():
    report = infer_shapes(residual(), 10)
    assert report.error == (
        "add (Add): in2 is 16×28×28 but in1 is 32×14×14: give the shortcut a 1×1 Conv2d with "
        "32 out_channels and stride 2"
    )
    bad = next(info for info in report.layers if info.id == "add")
    assert bad.output_shape is None and "in2 is 16×28×28" in bad.error


def test_the_projection_shortcut_fixes_it_and_the_network_learns():
    spec = residual([L("Conv2d", out_channels=32, kernel_size=1, stride=2)])
    report = infer_shapes(spec, 10)
    assert report.ok, report.error
    shapes = {info.id: info.output_shape for info in report.layers}
    assert shapes["add"] == (32, 14, 14) and shapes["out"] == (10,)
    model = build_model(spec, 10)
    assert sum(p.numel() for p in model.parameters()) == report.total_params
    assert "nodes.short0.weight" in model.state_dict()
    assert [name for name, _ in learnable_layers(model)][:2] == ["stem Conv2d", "body Conv2d"]
    x, y = torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_concat_joins_branches_along_channels():
    nodes = (
        L("Conv2d", out_channels=4, kernel_size=1).wired("a", ["input"]),
        L("Conv2d", out_channels=6, kernel_size=3, padding=1).wired("b", ["input"]),
        L("MaxPool2d", kernel_size=3, stride=1, padding=1).wired("c", ["input"]),
        L("Concat").wired("cat", ["a", "b", "c"]),
        L("Flatten").wired("flat", ["cat"]),
    )
    spec = NetworkSpec((3, 8, 8), nodes, "flat")
    report = infer_shapes(spec)
    assert {i.id: i.output_shape for i in report.layers}["cat"] == (13, 8, 8)
    assert build_model(spec)(torch.zeros(2, 3, 8, 8)).shape == (2, 13 * 64)


def test_concat_of_different_sizes_says_what_differs():
    nodes = (
        L("MaxPool2d", kernel_size=2).wired("half", ["input"]),
        L("Concat").wired("cat", ["input", "half"]),
    )
    error = infer_shapes(NetworkSpec((3, 8, 8), nodes, "cat")).error
    assert error.startswith("cat (Concat): in2 is 3×4×4 but in1 is 3×8×8")


def squeeze_excite(gate_channels: int = 8, keepdim: bool = True) -> NetworkSpec:
    """A squeeze-and-excite gate on 8×6×6 maps: pool → 1×1 convs → sigmoid → Multiply."""
    nodes = (
        L("Conv2d", out_channels=8, kernel_size=3, padding=1, groups=2).wired("maps", ["input"]),
        L("GlobalAvgPool2d", keepdim=keepdim).wired("squeeze", ["maps"]),
        L("Conv2d", out_channels=2, kernel_size=1).wired("reduce", ["squeeze"]),
        L("Conv2d", out_channels=gate_channels, kernel_size=1).wired("expand", ["reduce"]),
        L("Sigmoid").wired("gate", ["expand"]),
        L("Multiply").wired("scaled", ["maps", "gate" if keepdim else "squeeze"]),
    )
    return NetworkSpec((4, 6, 6), nodes, "scaled")


def test_multiply_spreads_a_gate_per_channel_over_the_maps():
    spec = squeeze_excite()
    report = infer_shapes(spec)
    assert report.ok, report.error
    assert {i.id: i.output_shape for i in report.layers}["gate"] == (8, 1, 1)
    assert report.output_shape == (8, 6, 6)
    model = build_model(spec).eval()
    assert sum(p.numel() for p in model.parameters()) == report.total_params
    x = torch.randn(2, 4, 6, 6)
    maps = model.nodes["maps"](x)
    gate = torch.sigmoid(model.nodes["expand"](model.nodes["reduce"](maps.mean((2, 3), True))))
    torch.testing.assert_close(model(x), maps * gate)
    # Add spreads a number per channel alike, whichever input it is
    nodes = (*spec.layers[:-1], L("Add").wired("shifted", ["gate", "maps"]))
    assert infer_shapes(NetworkSpec((4, 6, 6), nodes, "shifted")).output_shape == (8, 6, 6)


@pytest.mark.parametrize(
    ("spec", "fix"),
    [
        (
            squeeze_excite(gate_channels=4),
            "scaled (Multiply): in2 is 4×1×1 but in1 is 8×6×6: a gate per channel must be "
            "8×1×1: give its last Conv2d 8 out_channels",
        ),
        (
            squeeze_excite(keepdim=False),
            "scaled (Multiply): in2 is 8 but in1 is 8×6×6: a gate per channel must be 8×1×1: "
            "turn on keepdim in its GlobalAvgPool2d",
        ),
    ],
)
def test_a_gate_that_does_not_fit_says_what_fits(spec, fix):
    errors = [f"{i.id} ({i.type}): {i.error}" for i in infer_shapes(spec).layers if i.error]
    assert fix in errors


def test_a_merge_with_one_input_and_a_loose_node_are_named():
    nodes = (
        L("Linear", out_features=4).wired("a", ["input"]),
        L("Linear", out_features=4).wired("loose", ["input"]),
        L("Add").wired("add", ["a"]),
    )
    report = infer_shapes(NetworkSpec((2,), nodes, "add"))
    assert report.error == "add (Add): Add needs two inputs or more: wire a second input to it"
    loose = next(i for i in report.layers if i.id == "loose")
    assert "not connected to the output" in loose.error


def test_version_2_files_round_trip_and_version_1_still_opens():
    spec = residual([L("Conv2d", out_channels=32, kernel_size=1, stride=2)])
    data = json.loads(spec.to_json())
    assert data["version"] == 2 and data["output"] == "out"
    assert data["nodes"][2] == {
        "id": "bn",
        "type": "BatchNorm2d",
        "params": L("BatchNorm2d").params,
        "inputs": ["body"],
    }
    assert NetworkSpec.from_json(spec.to_json()) == spec
    stack = NetworkSpec((4,), (L("Linear", out_features=2),))
    assert json.loads(stack.to_json())["version"] == 1
    assert NetworkSpec.from_json(stack.to_json()) == stack


def test_a_straight_version_2_graph_opens_as_a_stack():
    nodes = [
        {"id": "flat", "type": "Flatten", "inputs": ["input"]},
        {"id": "fc", "type": "Linear", "params": {"out_features": 3}, "inputs": ["flat"]},
    ]
    text = json.dumps(
        {"format": "playground.network", "version": 2, "input_shape": [1, 2, 2], "nodes": nodes}
        | {"output": "fc"}
    )
    spec = NetworkSpec.from_json(text)
    assert not spec.is_graph
    assert spec.layers == (L("Flatten"), L("Linear", out_features=3))


def test_nodes_listed_out_of_order_are_put_in_order():
    nodes = [
        {"id": "add", "type": "Add", "inputs": ["a", "b"]},
        {"id": "a", "type": "Linear", "params": {"out_features": 3}, "inputs": ["input"]},
        {"id": "b", "type": "Linear", "params": {"out_features": 3}, "inputs": ["input"]},
    ]
    data = {"format": "playground.network", "version": 2, "input_shape": [2]}
    spec = NetworkSpec.from_dict(data | {"nodes": nodes, "output": "add"})
    assert [n.id for n in spec.layers] == ["a", "b", "add"]


@pytest.mark.parametrize(
    ("nodes", "output", "message"),
    [
        (
            [
                {"id": "a", "type": "ReLU", "inputs": ["b"]},
                {"id": "b", "type": "ReLU", "inputs": ["a"]},
            ],
            "b",
            "the nodes a → b feed each other in a cycle: remove a wire",
        ),
        ([{"id": "a", "type": "ReLU", "inputs": ["ghost"]}], "a", "a: its input 'ghost' is no"),
        ([{"id": "a.b", "type": "ReLU", "inputs": ["input"]}], "a.b", "node 1's id 'a.b' is not"),
        ([{"id": "a", "type": "ReLU", "inputs": ["input"]}], "zzz", "output must name one of"),
        (
            [
                {"id": "a", "type": "ReLU", "inputs": ["input"]},
                {"id": "a", "type": "ReLU", "inputs": ["input"]},
            ],
            "a",
            "two nodes are named 'a'",
        ),
        ([{"id": "a", "type": "ReLU", "inputs": "input"}], "a", "a: inputs must list the ids"),
        (
            [{"id": "a", "type": "Linear", "params": {"out_features": -1}, "inputs": ["input"]}],
            "a",
            "a: Linear: out_features must be at least 1",
        ),
    ],
)
def test_broken_graph_files_are_refused_in_one_line(nodes, output, message):
    data = {"format": "playground.network", "version": 2, "input_shape": [2]}
    with pytest.raises(SpecError) as caught:
        NetworkSpec.from_dict(data | {"nodes": nodes, "output": output})
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_graph_ending_in_softmax_trains_on_its_scores():
    nodes = (
        L("Linear", out_features=3).wired("a", ["input"]),
        L("Linear", out_features=3).wired("b", ["input"]),
        L("Add").wired("add", ["a", "b"]),
        L("Softmax").wired("p", ["add"]),
    )
    model = build_model(NetworkSpec((2,), nodes, "p"))
    x = torch.randn(4, 2)
    scores = logits_part(model)(x)
    assert torch.allclose(torch.softmax(scores, 1), model(x))


def test_the_code_of_a_graph_rebuilds_it_and_takes_its_weights():
    from playground.core.io.codegen import logits_code, model_code

    nodes = (
        L("Conv2d", out_channels=4, kernel_size=3, padding=1).wired("a", ["input"]),
        L("Conv2d", out_channels=4, kernel_size=1).wired("b", ["input"]),
        L("Add").wired("add", ["a", "b"]),
        L("Concat").wired("cat", ["add", "input"]),
        L("Flatten").wired("flat", ["cat"]),
        L("Linear", out_features=3).wired("fc", ["flat"]),
        L("Softmax").wired("p", ["fc"]),
    )
    model = build_model(NetworkSpec((2, 5, 5), nodes, "p")).eval()
    code = model_code(model)
    assert "add = a + b" in code and "cat = torch.cat([add, input], dim=1)" in code
    scope: dict = {}
    exec("import torch\nfrom torch import nn\n" + code, scope)  # what a user would paste
    rebuilt = scope["build_model"]().eval()
    rebuilt.load_state_dict(model.state_dict())
    x = torch.randn(2, 2, 5, 5)
    torch.testing.assert_close(rebuilt(x), model(x))
    scores = eval(logits_code(model), scope | {"model": rebuilt})
    torch.testing.assert_close(scores(x), logits_part(model)(x))


def test_the_code_and_onnx_carry_the_grouped_conv_and_the_gate(tmp_path):
    from playground.core.io.codegen import network_code
    from playground.core.io.export import _onnx
    from playground.core.model.onnx_import import import_onnx

    spec = squeeze_excite()
    model = build_model(spec).eval()
    code = network_code(spec)
    assert "groups=2" in code and "scaled = maps * gate" in code
    scope: dict = {}
    exec(code, scope)
    rebuilt = scope["build_model"]().eval()
    rebuilt.load_state_dict(model.state_dict())
    x = torch.randn(2, 4, 6, 6)
    torch.testing.assert_close(rebuilt(x), model(x))
    _onnx(model, torch.zeros(1, 4, 6, 6), tmp_path / "se.onnx", {})
    back, weights = import_onnx(tmp_path / "se.onnx")
    assert any(n.type == "Conv2d" and n.params["groups"] == 2 for n in back.layers)
    imported = build_model(back).eval()
    imported.load_state_dict(weights)
    torch.testing.assert_close(imported(x), model(x), atol=1e-5, rtol=1e-4)


def _skip_cnn() -> NetworkSpec:
    nodes = (
        L("Conv2d", out_channels=3, kernel_size=3, padding=1).wired("stem", ["input"]),
        L("ReLU").wired("r", ["stem"]),
        L("Conv2d", out_channels=3, kernel_size=3, padding=1).wired("body", ["r"]),
        L("Add").wired("add", ["body", "stem"]),
        L("MaxPool2d", kernel_size=2).wired("pool", ["add"]),
        L("Flatten").wired("flat", ["pool"]),
        L("Linear", out_features=4).wired("out", ["flat"]),
    )
    return NetworkSpec((1, 6, 6), nodes, "out")


def test_the_views_see_each_node_with_its_own_inputs():
    from playground.core.inspect.convolution import conv_layers, conv_walk
    from playground.core.inspect.probes import feature_maps

    torch.manual_seed(0)
    model = build_model(_skip_cnn()).eval()
    x = torch.randn(1, 6, 6)
    maps = dict(feature_maps(model, x))
    stem = model.nodes["stem"](x[None])
    joined = model.nodes["body"](torch.relu(stem)) + stem  # the skip connection
    torch.testing.assert_close(
        torch.from_numpy(maps["pool MaxPool2d"]), model.nodes["pool"](joined)[0]
    )
    assert list(conv_layers(model)) == ["stem Conv2d", "body Conv2d"]
    walk = conv_walk(model, "body Conv2d", 0, x.numpy())
    torch.testing.assert_close(
        torch.from_numpy(walk.output), model.nodes["body"](torch.relu(stem))[0, 0]
    )


def test_the_walk_through_goes_in_order_and_sums_where_a_value_fans_out():
    from playground.core.inspect.walkthrough import walk_through
    from playground.core.training.config import TrainConfig

    torch.manual_seed(0)
    spec = _skip_cnn()
    model = build_model(spec, 4)
    x = torch.randn(1, 6, 6)
    walk = walk_through(
        spec, 4, model.state_dict(), x.numpy(), 2, TrainConfig(optimizer="sgd"), list("abcd")
    )
    assert [name for name, _ in walk.activations][:4] == [
        "stem Conv2d",
        "r ReLU",
        "body Conv2d",
        "add Add",
    ]
    grads = dict(walk.output_grads)
    # stem's output feeds body (through ReLU) and the Add: its gradient is the sum of both
    reference = build_model(spec, 4)
    reference.load_state_dict(model.state_dict())
    stem_out = reference.nodes["stem"](x[None])
    stem_out.retain_grad()
    out = reference.nodes["out"](
        reference.nodes["flat"](
            reference.nodes["pool"](reference.nodes["body"](torch.relu(stem_out)) + stem_out)
        )
    )
    torch.nn.functional.cross_entropy(out, torch.tensor([2])).backward()
    np_grad = grads["stem Conv2d"]
    torch.testing.assert_close(torch.from_numpy(np_grad), stem_out.grad[0])
    assert "nodes.stem.weight" in walk.weight_grads
    stem_stage = next(s for s in walk.stages if s.title == "Backward: stem Conv2d")
    assert "Its output feeds 2 nodes (r ReLU, add Add)" in stem_stage.text


def test_the_neurons_of_a_graphs_dense_tail_are_its_own():
    from playground.core.inspect.neurons import dense_outputs, dense_start

    nodes = (
        L("Linear", out_features=4).wired("a", ["input"]),
        L("Linear", out_features=4).wired("b", ["input"]),
        L("Add").wired("add", ["a", "b"]),
        L("Linear", out_features=5).wired("fc", ["add"]),
        L("Tanh").wired("t", ["fc"]),
        L("Linear", out_features=2).wired("out", ["t"]),
        L("Softmax").wired("p", ["out"]),
    )
    model = build_model(NetworkSpec((3,), nodes, "p")).eval()
    assert dense_start(model) == 3  # the chain after the merge: fc, t, out
    x = torch.randn(6, 3)
    layers = dense_outputs(model, x)
    added = model.nodes["a"](x) + model.nodes["b"](x)
    torch.testing.assert_close(layers[0][2], added)
    named = [(name, act) for name, act, _ in layers[1:]]
    assert named == [("fc Linear", "Tanh"), ("out Linear", "")]
