import time

import pytest
import torch
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from gui_helpers import LEFT, answer_next_dialog, open_window
from playground.core.io.project import load_project

Button = QMessageBox.StandardButton


def start_long_run(qtbot, w, epochs=100):
    w.training.epochs.setValue(epochs)
    QTest.mouseClick(w.training.train_button, LEFT)
    qtbot.waitUntil(lambda: w.workspace.session.history.last_step > 0, timeout=20_000)


# Steps trained before each close: each close lands at another point of the run (its first
# steps, later in the epoch) instead of twenty at about the same one.
CLOSE_AFTER_STEPS = (1, 1, 2, 3, 5, 8, 13, 21)


def test_close_mid_training_at_many_points(qtbot):
    for steps in CLOSE_AFTER_STEPS:
        w = open_window(qtbot, active=False)
        start_long_run(qtbot, w)
        qtbot.waitUntil(lambda w=w, n=steps: w.workspace.session.history.last_step >= n)
        thread = w.workspace.session._worker
        started = time.perf_counter()
        answer_next_dialog(Button.Discard, [])
        w.close()
        qtbot.waitUntil(lambda w=w: not w.isVisible(), timeout=10_000)
        assert time.perf_counter() - started < 2.0
        assert thread.isFinished()
        assert w.workspace.session._worker is None


def test_close_while_paused(qtbot):
    w = open_window(qtbot, active=False)
    start_long_run(qtbot, w)
    QTest.mouseClick(w.training.pause_button, LEFT)
    thread = w.workspace.session._worker
    answer_next_dialog(Button.Discard, [])
    w.close()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=10_000)
    assert thread.isFinished()


def test_close_during_training_saves_the_run(qtbot, tmp_path, monkeypatch):
    """Save when closing mid-run: the run stops at the end of its step and every epoch it
    trained is in the file."""
    w = open_window(qtbot, active=False)
    w.workspace.apply_preset("mlp")
    with qtbot.waitSignal(w.workspace.session.epochEnded, timeout=30_000):
        start_long_run(qtbot, w)
    path = tmp_path / "run.playground"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    seen = []
    answer_next_dialog(Button.Save, seen)
    w.close()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=20_000)
    assert "Save the changes" in seen[0]
    project = load_project(path)
    assert project.weights is not None and len(project.history.epochs) >= 1
    assert w.workspace.session.history.epochs == project.history.epochs


class SlowStep(torch.nn.Module):
    """A layer whose every forward pass takes 5 s (a huge network on a slow machine)."""

    def forward(self, x):
        time.sleep(5)
        return x


@pytest.mark.filterwarnings("error")
def test_close_during_a_five_second_step(qtbot, monkeypatch):
    import playground.core.training.trainer as trainer

    real = trainer.build_model
    monkeypatch.setattr(
        trainer, "build_model", lambda *a, **k: torch.nn.Sequential(SlowStep(), *real(*a, **k))
    )
    w = open_window(qtbot, active=False)
    w.workspace.apply_preset("mlp")
    w.training.epochs.setValue(3)
    QTest.mouseClick(w.training.train_button, LEFT)
    qtbot.waitUntil(lambda: w.workspace.session._worker.trainer is not None, timeout=20_000)
    thread = w.workspace.session._worker
    answer_next_dialog(Button.Discard, [])
    w.close()
    assert w.isVisible() and w.training.status.text() == "Stopping…"  # not destroyed mid-step
    qtbot.wait(1000)
    assert w.isVisible() and thread.isRunning()  # the window answers while the step ends
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=30_000)
    assert thread.isFinished()
