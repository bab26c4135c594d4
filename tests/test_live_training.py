"""Core: a single step, settings changed while training runs, L1/L2 regularisation."""

import threading

import pytest
import torch

from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.io.trained import trained_project
from playground.core.model.build import build_model
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.events import SettingsChanged, StepResult
from playground.core.training.history import History
from playground.core.training.regularization import penalised_weights, penalty
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def circle():
    return load_dataset("circle", seed=0)


def test_a_single_step_moves_the_trainers_weights_by_what_it_reports(circle):
    events, done = [], threading.Event()

    def sink(event):
        events.append(event)
        if isinstance(event, StepResult):
            done.set()

    config = TrainConfig(epochs=1, batch_size=50, optimizer="sgd", lr=0.5)
    t = Trainer(preset("mlp", (2,), 2), circle, config, sink=sink)
    start = {k: v.clone() for k, v in t.model.state_dict().items()}
    t.pause()
    t.step_once()
    runner = threading.Thread(target=t.run)
    runner.start()
    try:
        assert done.wait(10)
        (result,) = [e for e in events if isinstance(e, StepResult)]
        assert result.step == 1 and result.batch_size == 50
        moved = t.model.state_dict()["0.weight"] - start["0.weight"]
        assert torch.allclose(moved, torch.from_numpy(result.weight_deltas["1 Linear"]))
        assert result.loss_after < result.loss_before  # plain SGD on its own batch
        assert t.history.last_step == 1  # paused again after it
    finally:
        t.stop()
        runner.join()


def test_changed_settings_reach_the_optimizer_and_the_history(circle):
    config = TrainConfig(epochs=1, batch_size=100, optimizer="sgd", lr=0.1)
    events = []
    t = Trainer(preset("mlp", (2,), 2), circle, config, sink=events.append)
    t.change_settings(TrainConfig(epochs=1, batch_size=100, optimizer="sgd", lr=0.01))
    t.run()
    (change,) = [e for e in events if isinstance(e, SettingsChanged)]
    assert change == SettingsChanged(0, (("lr", 0.1, 0.01),))
    assert t.optimizer.param_groups[0]["lr"] == 0.01 and trained_project(t).config.lr == 0.01
    saved = History.from_dict(t.history.to_dict())
    assert saved.changes == [change] and saved.changes[0].label == "lr 0.1 → 0.01"
    with pytest.raises(ValueError):
        History.from_dict({"changes": [{"step": 1, "changes": [["lr", "x", 1]]}]})


def test_regularisation_penalises_the_weights(circle):
    model = preset("mlp", (2,), 2)
    net = build_model(model, 2)
    weights = penalised_weights(net)
    assert len(weights) == 3 and all(w.dim() == 2 for w in weights)
    l1 = penalty(weights, TrainConfig(regularization="l1", reg_rate=0.01))
    l2 = penalty(weights, TrainConfig(regularization="l2", reg_rate=0.01))
    assert torch.isclose(l1, 0.01 * sum(w.abs().sum() for w in weights))
    assert torch.isclose(l2, 0.01 * sum(w.square().sum() for w in weights))
    assert penalty(weights, TrainConfig()) is None
    sizes = {}
    for kind in ("none", "l1"):
        config = TrainConfig(epochs=3, regularization=kind, reg_rate=0.01, seed=1)
        t = Trainer(model, circle, config)
        t.run()
        sizes[kind] = sum(w.abs().sum().item() for w in penalised_weights(t.model))
    assert sizes["l1"] < 0.8 * sizes["none"]
    with pytest.raises(PlaygroundError, match="regularization"):
        TrainConfig(regularization="l3")
