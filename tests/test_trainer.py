import dataclasses
import math
import os
import sys
import threading
import time

import numpy as np
import pytest
import torch
from torch import nn

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.model.presets import preset
from playground.core.model.spec import LayerSpec, NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.device import yield_to_other_threads
from playground.core.training.events import EpochMetrics, Finished, Snapshot, StepMetrics
from playground.core.training.history import History
from playground.core.training.optim import make_optimizer
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def xor():
    return load_dataset(DatasetRef("xor", {"samples": 600}), seed=0)


def _trainer(data, name="mlp", events=None, **config):
    spec = preset(name, data.input_shape, data.num_classes)
    sink = events.append if events is not None else None
    return Trainer(spec, data, TrainConfig(**config), sink=sink)


def test_learns_xor_and_reports_plain_values(xor):
    events = []
    trainer = _trainer(xor, events=events, epochs=15, lr=0.01, batch_size=32)
    finished = trainer.run()
    assert finished.status == "completed" and finished.epochs_done == 15
    epochs = [e for e in events if isinstance(e, EpochMetrics)]
    assert [e.epoch for e in epochs] == list(range(1, 16))
    assert epochs[-1].val_accuracy > 0.9
    assert epochs[-1].train_loss < epochs[0].train_loss
    steps = [e for e in events if isinstance(e, StepMetrics)]
    assert steps and all(isinstance(s.loss, float) for s in steps)
    assert steps[-1].progress == pytest.approx(1.0)
    run_end = 15 * math.ceil(len(xor.x_train) / 32)  # so the curves' x axis can stay put
    assert {(s.end_step, s.last_epoch) for s in steps} == {(run_end, 15)}
    snaps = [e for e in events if isinstance(e, Snapshot)]
    assert snaps and set(snaps[-1].weights) == {"1 Linear", "3 Linear", "5 Linear"}
    assert isinstance(snaps[-1].weights["1 Linear"], np.ndarray)
    assert all(v > 0 for v in snaps[-1].grad_magnitudes.values())
    assert isinstance(events[-1], Finished)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop"])
def test_every_optimizer_trains(xor, optimizer):
    lr = 0.05 if optimizer == "sgd" else 0.005
    trainer = _trainer(xor, optimizer=optimizer, lr=lr, epochs=8, weight_decay=1e-4)
    trainer.run()
    assert trainer.history.epochs[-1].val_accuracy > 0.8


def test_same_seed_same_result(mnist5k):
    small = mnist5k
    results = []
    for _ in range(2):
        t = _trainer(small, "lenet5", epochs=1, seed=7, batch_size=128)
        t.run()
        results.append(t.model.state_dict())
    for k in results[0]:
        assert torch.equal(results[0][k], results[1][k]), k
    other = _trainer(small, "lenet5", epochs=1, seed=8, batch_size=128)
    other.run()
    assert not torch.equal(other.model[0].weight, results[0]["0.weight"])


def test_pause_resume_stop_from_another_thread(mnist5k):
    events = []
    trainer = _trainer(mnist5k, "mlp", events=events, epochs=50, batch_size=16)
    thread = threading.Thread(target=trainer.run)
    thread.start()
    time.sleep(0.3)
    trainer.pause()
    time.sleep(0.1)
    count = len(events)
    time.sleep(0.3)
    assert len(events) == count  # nothing happens while paused
    trainer.resume()
    time.sleep(0.2)
    assert len(events) > count
    asked = time.perf_counter()
    trainer.stop()
    thread.join(timeout=2)
    assert not thread.is_alive()
    assert time.perf_counter() - asked < 0.5
    assert isinstance(events[-1], Finished) and events[-1].status == "stopped"


def test_stop_while_paused(xor):
    trainer = _trainer(xor, epochs=1000)
    thread = threading.Thread(target=trainer.run)
    trainer.pause()
    thread.start()
    time.sleep(0.1)
    trainer.stop()
    thread.join(timeout=1)
    assert not thread.is_alive()


def test_stop_during_a_single_step_ends_the_run(xor, monkeypatch):
    """Stop pressed while Step's one mini-batch runs: the step used to pause again after it,
    undoing the stop's wake-up, and the run waited for ever (the window stayed busy)."""
    import playground.core.training.loop as module

    trainer = _trainer(xor, epochs=1000)
    measured = module.measured_step

    def stopped_meanwhile(*args, **kwargs):
        result = measured(*args, **kwargs)
        trainer.stop()
        return result

    monkeypatch.setattr(module, "measured_step", stopped_meanwhile)
    thread = threading.Thread(target=trainer.run)
    trainer.pause()
    thread.start()
    trainer.step_once()
    thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.parametrize("poison", ["exploding", "nan_sample"])
def test_non_finite_loss_stops_and_keeps_finite_weights(xor, poison):
    x = xor.x_train.clone()
    if poison == "exploding":
        x *= 1e20  # the first update overflows the weights, the next loss is inf
    else:
        x[len(x) // 2, 0] = float("nan")
    data = dataclasses.replace(xor, x_train=x)
    events = []
    trainer = _trainer(data, "perceptron", events=events, optimizer="sgd", lr=1.0, epochs=5)
    finished = trainer.run()
    assert finished.status == "diverged" and events[-1] is finished
    assert "learning rate is probably too high" in finished.message
    for p in trainer.model.parameters():
        assert torch.isfinite(p).all()
    assert torch.isfinite(trainer.model(xor.x_val)).all()


def test_continues_from_history(xor):
    t = _trainer(xor, epochs=2)
    t.run()
    again = Trainer(
        preset("mlp", (2,), 2), xor, TrainConfig(epochs=3), model=t.model, history=t.history
    )
    events = []
    again.sink = events.append
    first_run_end = t.history.last_step
    again.run()
    assert [e.epoch for e in t.history.epochs] == [1, 2, 3, 4, 5]
    steps = [e for e in events if isinstance(e, StepMetrics)]
    assert steps[-1].end_step == first_run_end + 3 * math.ceil(len(xor.x_train) / 64)
    assert steps[-1].last_epoch == 5
    assert t.history.epochs[-1].step > t.history.epochs[1].step


def test_forced_device_missing():
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    with pytest.raises(PlaygroundError, match="CUDA was asked for"):
        _trainer(load_dataset("xor"), device="cuda")


def test_softmax_last_trains_on_scores(xor):
    layers = (
        LayerSpec.make("Linear", out_features=16),
        LayerSpec.make("Tanh"),
        LayerSpec.make("Linear", out_features=2),
        LayerSpec.make("Softmax"),
    )
    t = Trainer(NetworkSpec((2,), layers), xor, TrainConfig(epochs=10, lr=0.02))
    t.run()
    assert t.history.epochs[-1].val_accuracy > 0.85
    probs = t.model(xor.x_val)
    assert torch.allclose(probs.sum(1), torch.ones(len(probs)), atol=1e-5)


def test_history_is_bounded():
    h = History(max_points=100)
    for i in range(10_000):
        h.add_step(StepMetrics(i, 1, 0.0, float(i), 0.5, 1.0, 0.0, 0.0))
    steps, loss, _ = h.steps()
    assert len(steps) <= 101
    assert steps[0] < 100 and steps[-1] > 9_000
    restored = History.from_dict(h.to_dict())
    assert np.array_equal(restored.steps()[1], loss)


def test_bad_config():
    with pytest.raises(PlaygroundError, match="learning rate"):
        TrainConfig(lr=0)
    with pytest.raises(PlaygroundError, match="unknown optimizer"):
        TrainConfig(optimizer="lbfgs")
    with pytest.raises(PlaygroundError, match="batch size"):
        TrainConfig(batch_size=0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread priorities: Linux")
def test_training_thread_yields_to_the_gui_thread():
    seen = []
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def worker():
        yield_to_other_threads()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == [max(10, before)]  # the OpenMP threads it starts inherit this
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw"])
def test_optimizers_take_their_fused_form(optimizer):
    """One kernel per update instead of ~10 small ops per tensor: the MLP trains ~35 % faster."""
    params = nn.Linear(3, 2).parameters()
    assert make_optimizer(TrainConfig(optimizer=optimizer), params).defaults["fused"]


def test_no_eta_during_the_warm_up_then_one_from_recent_steps(mnist5k):
    from playground.core.model.presets import preset
    from playground.core.training.config import TrainConfig
    from playground.core.training.events import StepMetrics
    from playground.core.training.trainer import Trainer

    seen: list[StepMetrics] = []
    spec = preset("mlp", mnist5k.input_shape, 10)
    sink = lambda e: seen.append(e) if isinstance(e, StepMetrics) else None  # noqa: E731
    Trainer(spec, mnist5k, TrainConfig(epochs=1), sink=sink, report_s=0.0).run()
    etas = [m.eta_s for m in seen]
    assert etas[:3] == [-1.0, -1.0, -1.0]  # the first reports hold the warm-up
    assert all(e >= 0 for e in etas[3:]) and etas[-1] == 0.0
