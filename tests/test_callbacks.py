"""The policies around the training loop, each on its own (no Qt): early stopping, best
weights, divergence roll-back, weight snapshots, probes, a strategy, a callback of one's own."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from playground.core.data.registry import load_dataset
from playground.core.inspect.probe_callback import ProbeCallback
from playground.core.model.build import build_model
from playground.core.model.presets import preset
from playground.core.training.callbacks import (
    BestWeights,
    Callback,
    EarlyStopping,
    Rollback,
    WeightSnapshots,
)
from playground.core.training.config import TrainConfig
from playground.core.training.events import (
    EpochMetrics,
    Probe,
    ProbeRequest,
    Snapshot,
    StepMetrics,
    fan_out,
)
from playground.core.training.strategy import Strategy
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def circle():
    return load_dataset("circle", seed=0)


def _epoch(epoch: int, val_loss: float) -> EpochMetrics:
    return EpochMetrics(epoch, epoch * 10, 0.5, 0.5, val_loss, 0.5, 100.0, 1.0)


def _step(step: int) -> StepMetrics:
    return StepMetrics(step, 1, 0.1, 0.5, 0.5, 100.0, 1.0, -1.0)


def _fake(model: nn.Module, **more) -> SimpleNamespace:
    """What a callback reads of a trainer."""
    events = []
    return SimpleNamespace(model=model, events=events, emit=events.append, **more)


def test_early_stopping_counts_epochs_without_a_lower_validation_loss():
    stop, t = EarlyStopping(patience=2), _fake(nn.Linear(2, 2))
    stop.on_run_start(t)
    said = [
        stop.on_epoch_end(t, _epoch(e, loss), False) for e, loss in enumerate([3, 2, 2.5, 2], 1)
    ]
    assert said == [None, None, None, said[3]]
    assert said[3] == (
        "Stopped early after epoch 4: the validation loss had not improved for 2 epochs "
        "(best: epoch 2)"
    )
    assert stop.on_epoch_end(t, _epoch(5, 9), last=True) is None  # the run ends anyway


def test_no_patience_never_stops():
    stop, t = EarlyStopping(patience=0), _fake(nn.Linear(2, 2))
    assert all(stop.on_epoch_end(t, _epoch(e, float(e)), False) is None for e in range(1, 20))


def test_best_weights_keeps_a_cpu_copy_of_the_lowest_validation_loss():
    model = nn.Linear(2, 2)
    best, t = BestWeights(), _fake(model)
    best.on_epoch_end(t, _epoch(1, 1.0), False)
    kept = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        model.weight.add_(1.0)  # a worse epoch's weights are not taken
    best.on_epoch_end(t, _epoch(2, 2.0), False)
    assert best.best == _epoch(1, 1.0)
    assert all(torch.equal(best.weights[k], kept[k]) for k in kept)
    assert all(v.device.type == "cpu" for v in best.weights.values())


def test_rollback_puts_back_the_last_weights_proved_finite():
    model = nn.Linear(2, 2)
    optimizer = torch.optim.Adam(model.parameters())
    t = _fake(model, optimizer=optimizer, history=SimpleNamespace(last_step=0))
    rollback = Rollback(model, 0)
    rollback.on_run_start(t)
    states = []
    for step in (1, 2):
        with torch.no_grad():
            model.weight.add_(1.0)
        states.append({k: v.clone() for k, v in model.state_dict().items()})
        rollback.on_report(t, _step(step))
    # after step 2's report, step 1's weights are proved (a later report was finite)
    assert torch.equal(rollback.weights()["weight"], states[0]["weight"])
    optimizer.state[model.weight]["exp_avg"] = torch.full((2, 2), float("nan"))
    with torch.no_grad():
        model.weight.fill_(float("nan"))
    said = rollback.on_diverged(t, pending_proved=True)  # step 3 ran finite, then NaN
    assert said == "The weights from step 2, the last with a finite loss, are kept"
    assert torch.equal(model.weight, states[1]["weight"]) and not optimizer.state


def test_rollback_without_a_finite_step_keeps_the_start():
    model = nn.Linear(2, 2)
    start = model.weight.detach().clone()
    t = _fake(model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    said = Rollback(model, 0).on_diverged(t, pending_proved=False)
    assert "not finite from the first step" in said and torch.equal(model.weight, start)


def test_weight_snapshots_report_every_learnable_layer():
    t = _fake(build_model(preset("mlp", (2,), 2), 2))
    WeightSnapshots().on_snapshot(t, 7, 1, None)
    (snap,) = t.events
    assert isinstance(snap, Snapshot) and snap.step == 7
    assert set(snap.weights) == {"1 Linear", "3 Linear", "5 Linear"}


def test_probes_are_made_only_when_asked(circle):
    net = build_model(preset("mlp", (2,), 2), 2)
    t = _fake(net, data=circle, device=torch.device("cpu"))
    probes = ProbeCallback()
    probes.on_snapshot(t, 1, 1, circle.x_train[:8])
    assert t.events == []
    probes.request = ProbeRequest(boundary=True, neurons=True)
    probes.on_snapshot(t, 2, 1, circle.x_train[:8])
    (p,) = t.events
    assert isinstance(p, Probe) and p.boundary.shape[:2] == (80, 80) and p.neurons


def test_a_callback_of_ones_own_ends_the_run_with_its_reason(circle):
    class AfterTwo(Callback):
        def on_epoch_end(self, trainer, metrics, last):
            return "enough" if metrics.epoch == 2 else None

    t = Trainer(preset("mlp", (2,), 2), circle, TrainConfig(epochs=5), callbacks=[AfterTwo()])
    finished = t.run()
    assert finished.status == "completed" and finished.message == "enough"
    assert finished.epochs_done == 2


def test_a_strategy_that_agrees_on_stopping_stops_at_the_next_step(circle):
    class Agreeing(Strategy):
        """Stop is only asked, in effect once `any` agrees (as torchrun's ranks do)."""

        interruptible = False
        agreed = 0

        def stop(self, controls):
            controls.ask_stop()

        def any(self, flag):
            self.agreed += flag
            return flag

    strategy = Agreeing()
    config = TrainConfig(epochs=3, batch_size=10)
    t = Trainer(preset("mlp", (2,), 2), circle, config, strategy=strategy)
    steps = []
    t.sink = lambda e: steps.append(e.step) if isinstance(e, StepMetrics) else None
    t.sink = fan_out(t.sink, lambda e: t.stop() if isinstance(e, StepMetrics) else None)
    finished = t.run()
    assert finished.status == "stopped" and finished.step == 1  # stopped before step 2
    assert strategy.agreed >= 1


def test_fan_out_hands_each_event_to_every_sink_in_order():
    seen = []
    sink = fan_out(lambda e: seen.append(("a", e)), lambda e: seen.append(("b", e)))
    sink(1)
    sink(2)
    assert seen == [("a", 1), ("b", 1), ("a", 2), ("b", 2)]


def test_the_loop_holds_no_state_on_the_trainer(circle):
    t = Trainer(preset("mlp", (2,), 2), circle, TrainConfig(epochs=1))
    before = set(vars(t))
    t.run()
    assert set(vars(t)) == before  # every run's state is local to it
    assert np.isfinite(t.history.epochs[-1].val_loss)
