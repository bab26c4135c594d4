"""A run's curves as CSV text."""

import csv
import io

import pytest

from playground.core.io.history_csv import COLUMNS, history_csv
from playground.core.training.events import EpochMetrics, StepMetrics
from playground.core.training.history import History


def test_steps_then_epochs_read_back_as_numbers():
    h = History(max_points=4)
    for s in range(1, 9):  # 8 reports into 4 points: pairs are merged
        h.add_step(StepMetrics(s, 1 + s // 5, s / 8, 1 / s, s / 10, 100.0, s, 0.0))
    h.add_epoch(EpochMetrics(1, 4, 0.5, 0.7, 0.6, 0.65, 100.0, 4.0))
    h.add_epoch(EpochMetrics(2, 8, 0.3, 0.8, float("nan"), 0.75, 100.0, 8.0))
    rows = list(csv.DictReader(io.StringIO(history_csv(h))))
    assert tuple(rows[0]) == COLUMNS
    steps = [r for r in rows if r["kind"] == "step"]
    epochs = [r for r in rows if r["kind"] == "epoch"]
    points = h.steps()
    assert [float(r["step"]) for r in steps] == pytest.approx(points[0].tolist())
    assert [float(r["loss"]) for r in steps] == pytest.approx(points[1].tolist())
    assert all(r["val_loss"] == "" and r["epoch"] == "" for r in steps)
    assert [(int(r["epoch"]), int(r["step"])) for r in epochs] == [(1, 4), (2, 8)]
    assert float(epochs[0]["val_accuracy"]) == pytest.approx(0.65)
    assert epochs[1]["val_loss"] == "nan"


def test_an_empty_history_is_the_header_alone():
    assert history_csv(History()) == ",".join(COLUMNS) + "\n"
