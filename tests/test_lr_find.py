"""The learning-rate range test: on a copy, a sensible suggestion, the command."""

import json

import numpy as np
import pytest
import torch

from playground.cli import main
from playground.core.errors import PlaygroundError
from playground.core.model.build import build_model
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.lr_finder import MAX_STEPS, find_lr


def test_suggestion_is_sensible_on_mnist5k_and_the_model_is_untouched(mnist5k):
    spec = preset("mlp", mnist5k.input_shape, 10)
    model = build_model(spec, 10).eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    found = find_lr(spec, mnist5k, TrainConfig(optimizer="adam"), model)
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k
    assert not model.training and all(p.grad is None for p in model.parameters())
    assert 10 < len(found.lrs) <= MAX_STEPS and np.all(np.diff(found.lrs) > 0)
    assert len(found.losses) == len(found.smoothed) == len(found.lrs)
    # Adam trains this MLP well from 1e-4 to 1e-2; past ~0.1 the loss blows up
    assert 3e-4 <= found.suggestion <= 3e-2
    assert found.smoothed.min() < found.losses[0] - 0.5  # the loss did fall on the way


def test_steps_are_bounded(mnist5k):
    spec = preset("mlp", mnist5k.input_shape, 10)
    with pytest.raises(PlaygroundError, match="8 to 100 steps"):
        find_lr(spec, mnist5k, TrainConfig(), steps=500)


def test_lr_find_command(capsys):
    argv = ["lr-find", "mlp", "--dataset", "xor", "--samples", "400", "--steps", "20"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 1e-6 <= out["suggestion"] <= 10 and len(out["lrs"]) == len(out["losses"]) <= 20
    assert main(argv) == 0
    assert "suggested learning rate" in capsys.readouterr().out
