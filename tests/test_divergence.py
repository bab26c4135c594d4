"""Runs that go wrong: divergence, a stop during a long step or validation, BatchNorm's last
batch. Each ends quickly and keeps weights that work, and says what it kept."""

import dataclasses
import re
import threading
import time

import pytest
import torch
import torch.nn.functional as F

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.model.presets import preset
from playground.core.model.spec import LayerSpec, NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def spiral():
    return load_dataset(DatasetRef("spiral", {"samples": 2000}), seed=0)


def _record_steps(trainer):
    """Wrap the trainer's step to log (time, loss finite?) per step; test-only syncs."""
    log = []
    step = trainer.train_step

    def logged(x, y):
        out = step(x, y)
        log.append((time.perf_counter(), bool(torch.isfinite(out[0]))))
        return out

    trainer.train_step = logged
    return log


@pytest.mark.parametrize("seed", range(4))
def test_divergence_stops_within_a_report_and_keeps_finite_weights(spiral, seed):
    spec = preset("mlp", spiral.input_shape, spiral.num_classes)
    config = TrainConfig(optimizer="sgd", lr=10.0, epochs=50, batch_size=16, seed=seed)
    trainer = Trainer(spec, spiral, config, report_s=0.2)
    initial = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    log = _record_steps(trainer)
    finished = trainer.run()
    ended = time.perf_counter()

    assert finished.status == "diverged"
    first_bad = next(i for i, (_, finite) in enumerate(log) if not finite)
    assert ended - log[first_bad][0] < 0.2 + 0.5  # one report interval, and a loaded machine
    assert f"at step {first_bad + 1}:" in finished.message
    kept = int(re.search(r"weights from step (\d+)", finished.message).group(1))
    assert kept <= first_bad  # a step whose next loss was finite
    assert not all(torch.equal(initial[k], v) for k, v in trainer.model.state_dict().items())
    with torch.no_grad():
        loss = F.cross_entropy(trainer.logits(trainer.data.x_val), trainer.data.y_val)
    assert torch.isfinite(loss)
    assert all(torch.equal(trainer.weights()[k], v) for k, v in trainer.model.state_dict().items())


def test_non_finite_from_the_first_step_says_so(spiral):
    x = spiral.x_train.clone()
    x[:] = float("nan")
    data = dataclasses.replace(spiral, x_train=x)
    spec = preset("mlp", spiral.input_shape, spiral.num_classes)
    trainer = Trainer(spec, data, TrainConfig(epochs=2))
    initial = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    finished = trainer.run()
    assert finished.status == "diverged" and "at step 1:" in finished.message
    assert "not finite from the first step" in finished.message
    assert all(torch.equal(initial[k], v) for k, v in trainer.model.state_dict().items())


def _slow_net(channels: int = 256, side: int = 64) -> NetworkSpec:
    """Wide convolutions on side×side images: slow steps."""
    layers = [
        LayerSpec.make("Conv2d", out_channels=channels, kernel_size=5, padding=2),
        LayerSpec.make("ReLU"),
        LayerSpec.make("Conv2d", out_channels=channels, kernel_size=5, padding=2),
        LayerSpec.make("ReLU"),
        LayerSpec.make("Flatten"),
        LayerSpec.make("Linear", out_features=2),
    ]
    return NetworkSpec((3, side, side), tuple(layers))


def _images(n: int, side: int = 64):
    from playground.core.data.dataset import make_dataset

    x = torch.rand(n, 3, side, side)
    y = torch.arange(n) % 2
    return make_dataset("noise", DatasetRef("noise"), x, y, ["a", "b"], "image", 0)


def test_stop_ends_a_long_step_quickly(monkeypatch):
    monkeypatch.setattr("playground.core.training.loop.LONG_STEP_S", 0.0)  # hooks after the first
    data = _images(80, side=32)
    trainer = Trainer(_slow_net(96, 32), data, TrainConfig(batch_size=64, epochs=5))
    log = _record_steps(trainer)
    thread = threading.Thread(target=trainer.run)
    thread.start()
    while len(log) < 2 and thread.is_alive():  # the first step is timed, then hooks go in
        time.sleep(0.01)
    step_s = log[1][0] - log[0][0]
    time.sleep(step_s / 3)  # in the middle of a step
    asked = time.perf_counter()
    trainer.stop()
    thread.join(timeout=30)
    stopped_s = time.perf_counter() - asked
    assert not thread.is_alive()
    assert stopped_s < step_s / 2, (stopped_s, step_s)


def test_stop_ends_validation_between_chunks(monkeypatch):
    data = _images(600, side=16)
    finished = []
    trainer = Trainer(_slow_net(8, 16), data, TrainConfig(batch_size=256, epochs=1))
    monkeypatch.setattr("playground.core.training.trainer.EVAL_CHUNK", 8)
    validate = trainer.validate

    def stop_then_validate(x, y):
        trainer.stop()  # asked as validation begins: no chunk should run after it
        return validate(x, y)

    trainer.validate = stop_then_validate
    began = time.perf_counter()
    finished.append(trainer.run())
    assert finished[0].status == "stopped" and finished[0].epochs_done == 0
    assert time.perf_counter() - began < 60


@pytest.mark.parametrize("n,batch", [(17, 16), (22, 3)])  # a last batch of one sample
def test_batch_norm_leaves_out_a_last_batch_of_one(n, batch):
    data = load_dataset(DatasetRef("circle", {"samples": 100}), seed=0)
    data = dataclasses.replace(data, x_train=data.x_train[:n], y_train=data.y_train[:n])
    layers = (
        LayerSpec.make("Linear", out_features=8),
        LayerSpec.make("BatchNorm1d"),
        LayerSpec.make("ReLU"),
        LayerSpec.make("Linear", out_features=2),
    )
    trainer = Trainer(NetworkSpec((2,), layers), data, TrainConfig(batch_size=batch, epochs=3))
    finished = trainer.run()
    assert finished.status == "completed", finished.message
    assert finished.step == 3 * (n // batch)


def test_batch_norm_with_batches_of_one_is_refused_before_training():
    data = load_dataset(DatasetRef("circle", {"samples": 40}), seed=0)
    layers = (LayerSpec.make("Linear", out_features=2), LayerSpec.make("BatchNorm1d"))
    with pytest.raises(PlaygroundError, match="raise the batch size"):
        Trainer(NetworkSpec((2,), layers), data, TrainConfig(batch_size=1))


def test_an_epoch_whose_validation_diverges_is_not_recorded(spiral):
    x = spiral.x_val.clone()
    x[0, 0] = float("nan")  # validation gives NaN whatever the weights
    data = dataclasses.replace(spiral, x_val=x)
    spec = preset("mlp", spiral.input_shape, spiral.num_classes)
    trainer = Trainer(spec, data, TrainConfig(epochs=3))
    finished = trainer.run()
    assert finished.status == "diverged" and finished.epochs_done == 0
    assert trainer.history.epochs == []


def test_a_copy_made_during_a_slow_run_is_not_stopped_with_it(monkeypatch):
    from playground.core.inspect.inference import inference_copy

    monkeypatch.setattr("playground.core.training.loop.LONG_STEP_S", 0.0)  # hooks after the first
    trainer = Trainer(_slow_net(4, 16), _images(40, side=16), TrainConfig(epochs=2))
    copies = []
    step = trainer.train_step

    def copy_then_stop(x, y):
        out = step(x, y)
        if trainer.stop_checks.installed and not copies:
            copies.append(inference_copy(trainer.model))  # as the window does to classify
            trainer.stop()
        return out

    trainer.train_step = copy_then_stop
    assert trainer.run().status == "stopped"
    assert copies[0](torch.zeros(1, 3, 16, 16)).shape == (1, 2)


def test_a_big_batch_is_interruptible_from_its_first_step():
    trainer = Trainer(_slow_net(96, 32), _images(80, side=32), TrainConfig(batch_size=64))
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    log = _record_steps(trainer)
    trainer.model[0].register_forward_hook(lambda *args: trainer.stop())  # asked mid-step
    finished = trainer.run()
    assert finished.status == "stopped" and log == []  # the first step never finished
    assert all(torch.equal(before[k], v) for k, v in trainer.model.state_dict().items())
    assert not trainer.stop_checks.installed  # and the checks are gone with the run


def test_a_small_network_trains_without_stop_checks(spiral):
    trainer = Trainer(preset("mlp", (2,), 2), spiral, TrainConfig(epochs=1))
    steps = []
    step = trainer.train_step

    def watched(x, y):
        out = step(x, y)
        steps.append(trainer.stop_checks.installed)
        return out

    trainer.train_step = watched
    trainer.run()
    assert steps and not any(steps)  # PyTorch's fast path, untouched
