"""Training runs kept in the project: saved, validated, small, quick to open."""

import json
import time
import zipfile
from dataclasses import replace

import numpy as np
import pytest
import torch

from playground.core.data.ref import DatasetRef
from playground.core.errors import ProjectError
from playground.core.io.project import Project, load_project, save_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.events import EpochMetrics, Finished, StepMetrics
from playground.core.training.history import History
from playground.core.training.runs import RUN_POINTS, new_run


def _history(steps: int, epochs: int, start: int = 0, seed: int = 0) -> History:
    """A long run's record: one noisy report per step, an epoch every steps // epochs."""
    h = History()
    per_epoch = steps // epochs
    noise = np.random.default_rng(seed).random(steps)
    for s in range(start + 1, start + steps + 1):
        loss = 1 / s + noise[s - start - 1]
        h.add_step(StepMetrics(s, 1, 0.5, loss, noise[s - start - 1], 1000.0, s * 0.01, 0.0))
        if (s - start) % per_epoch == 0:
            e = (s - start) // per_epoch
            val = 0.5 + abs(e - epochs / 2) / epochs  # best in the middle of the run
            h.add_epoch(EpochMetrics(e, s, 1 / e, 0.9, val, 0.8, 1000.0, s * 0.01))
    return h


def _run(history: History, first_step: int = 0, **kw):
    finished = Finished("completed", "done", history.epochs_done, history.last_step)
    return new_run(
        TrainConfig(lr=0.01 * (1 + first_step % 7), epochs=history.epochs_done),
        DatasetRef("mnist5k"),
        history,
        first_step,
        finished,
        "CPU (2 threads)",
        1.7e9,
        12.5,
        spec=preset("mlp", (2,), 2),
        **kw,
    )


def _project(runs):
    spec = preset("mlp", (2,), 2)
    return Project(spec, DatasetRef("gauss"), class_names=["a", "b"], runs=runs)


def test_a_run_keeps_its_part_of_the_history_downsampled_with_final_and_best():
    history = _history(10_000, 40)
    run = _run(history, first_step=5_000)
    steps = run.history.steps()[0]
    assert len(steps) <= RUN_POINTS and steps.min() > 5_000 and steps.max() > 9_900
    assert [e.epoch for e in run.history.epochs] == list(range(21, 41))
    assert run.final.epoch == 40
    assert run.best.epoch == 21  # the lowest validation loss of this run's epochs
    assert run.history.gradients == {}


def test_twenty_runs_open_in_under_a_second_and_stay_small(tmp_path):
    runs = [replace(_run(_history(4_000, 50, seed=i)), name=f"try {i}") for i in range(20)]
    weights = {"0.weight": torch.randn(64, 2), "0.bias": torch.randn(64)}
    runs[-1] = replace(runs[-1], weights=weights)
    path = tmp_path / "runs.playground"
    save_project(path, _project(runs))
    size = path.stat().st_size
    began = time.perf_counter()
    back = load_project(path)
    opened = time.perf_counter() - began
    print(f"20 runs: {size / 1024:.0f} KB, opened in {opened * 1000:.0f} ms")
    assert opened < 1.0 and size < 256 * 1024
    assert len(back.runs) == 20
    for a, b in zip(runs, back.runs, strict=True):
        assert a.to_dict() == b.to_dict()
    assert back.runs[0].weights is None
    assert torch.equal(back.runs[-1].weights["0.weight"], weights["0.weight"])


def test_a_project_without_runs_still_opens(tmp_path):
    path = tmp_path / "old.playground"
    save_project(path, _project([]))
    with zipfile.ZipFile(path) as z:
        assert "runs.json" not in z.namelist()
    assert load_project(path).runs == []


def _with_runs_json(tmp_path, value) -> str:
    path = tmp_path / "bad.playground"
    save_project(path, _project([_run(_history(100, 2))]))
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["runs.json"] = json.dumps(value).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    with pytest.raises(ProjectError) as e:
        load_project(path)
    return str(e.value)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: {"runs": r}, "list of at most 100 runs"),
        (lambda r: [r] * 101, "list of at most 100 runs"),
        (lambda r: [r | {"status": "exploded"}], "run 1 in runs.json has an unknown status"),
        (lambda r: [r, r | {"device": 7}], "run 2 in runs.json: device"),
        (lambda r: [r | {"duration_s": -3}], "run 1 in runs.json: duration_s"),
        (lambda r: [r | {"training": {"lr": "fast"}}], "run 1 in runs.json"),
        (lambda r: [r | {"history": {"epochs": [{"epoch": 1}]}}], "run 1 in runs.json: epoch"),
        (lambda r: [r | {"dataset": None}], "run 1 in runs.json: the data set"),
        (lambda r: [r | {"name": "x" * 101}], "run 1 in runs.json: name must be text"),
        (lambda r: [r | {"network": {"format": "nope"}}], "run 1 in runs.json: not a Neural"),
    ],
)
def test_bad_runs_are_refused_naming_the_run(tmp_path, change, message):
    good = _run(_history(100, 2)).to_dict()
    assert message in _with_runs_json(tmp_path, change(good))
