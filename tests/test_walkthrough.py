"""Core: the backprop walk-through's numbers are torch.autograd's on the same sample and
weights."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.core.inspect.walkthrough import walk_through
from playground.core.model.build import build_model, logits_part
from playground.core.model.presets import preset
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
