"""Core: a training speed a person can watch (TensorFlow Playground's play): at most N steps
a second, changed while training runs, and Stop is not kept waiting by it."""

import itertools
import threading
import time

import pytest

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.pace import Pace
from playground.core.training.trainer import Trainer


def test_pace_spaces_steps_and_full_speed_waits_for_nothing():
    stop = threading.Event()
    pace = Pace(20)
    began = time.perf_counter()
    for _ in range(6):
        pace.wait(stop)
    assert time.perf_counter() - began == pytest.approx(0.25, abs=0.12)  # 5 gaps of 50 ms
    pace.set(0)
    began = time.perf_counter()
    for _ in range(100):
        pace.wait(stop)
    assert time.perf_counter() - began < 0.05


def test_stop_ends_a_slow_pace_at_once():
    stop = threading.Event()
    pace = Pace(0.1)  # one step in 10 s
    pace.wait(stop)
    threading.Timer(0.1, stop.set).start()
    began = time.perf_counter()
    pace.wait(stop)
    assert time.perf_counter() - began < 2


def test_the_trainer_keeps_the_pace_set_while_it_runs():
    data = load_dataset(DatasetRef("xor", {"samples": 600}), seed=0)
    spec = preset("mlp", data.input_shape, data.num_classes)
    steps: list[float] = []
    trainer = Trainer(spec, data, TrainConfig(epochs=1000), sink=lambda e: None)
    trainer.set_pace(2)
    original = trainer.train_step

    def counted(*args):
        steps.append(time.perf_counter())
        return original(*args)

    trainer.train_step = counted
    thread = threading.Thread(target=trainer.run)
    thread.start()
    deadline = time.perf_counter() + 30
    while len(steps) < 4 and time.perf_counter() < deadline:
        time.sleep(0.05)
    gaps = [later - earlier for earlier, later in itertools.pairwise(steps[1:4])]
    trainer.set_pace(0)
    fast_from = len(steps) + 1  # the step under way may still keep the old pace
    while len(steps) < fast_from + 7 and time.perf_counter() < deadline:
        time.sleep(0.01)
    trainer.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(gaps) == 2 and min(gaps) >= 0.45  # 2 steps a second: 0.5 s apart
    # full speed again: 6 steps in less than the 3 s they took at 2 a second (even on a
    # busy machine, where a step of this small network can take 0.2 s)
    assert steps[fast_from + 6] - steps[fast_from] < 2.5
