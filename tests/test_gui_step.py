"""Step (one mini-batch, then paused) and live settings changes, driven as a person would."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui_helpers import LEFT, choose_in_combo, click_tab, toy_mlp
from playground.core.numbers import apart
from playground.ui.views.weights_view import as_matrix
from playground.ui.widgets.live_view import REDRAW_MS


def live_weights(window):
    trainer = window.workspace.session._worker.trainer
    return {k: v.detach().clone().numpy() for k, v in trainer.model.state_dict().items()}


def test_step_runs_one_batch_of_the_trainer_and_shows_what_it_did(window, qtbot):
    toy_mlp(window, qtbot)
    session = window.workspace.session
    click_tab(window, "Step")
    view = window.views.step
    assert "Press Step (F10)" in view.headline.text()
    with qtbot.waitSignal(session.stepMeasured, timeout=30_000) as first:
        QTest.keyClick(window, Qt.Key.Key_F10)
    assert session.state == "paused"
    assert session.history.last_step == 1
    r = first.args[0]
    line = "{} → {}".format(*apart(r.loss_before, r.loss_after))
    qtbot.waitUntil(lambda: line in view.headline.text())
    assert "one mini-batch of 64" in view.headline.text()
    assert window.training.pause_button.text() == "Resume"
    assert line in window.training.status.text()
    before = live_weights(window)  # paused: the trainer's own model, between steps
    with qtbot.waitSignal(session.stepMeasured, timeout=30_000) as second:
        QTest.mouseClick(window.training.step_button, LEFT)
    r2 = second.args[0]
    assert r2.step == 2 and session.history.last_step == 2
    after = live_weights(window)
    assert np.allclose(after["0.weight"] - before["0.weight"], r2.weight_deltas["1 Linear"])
    qtbot.waitUntil(lambda: "Step 2 " in view.headline.text(), timeout=REDRAW_MS * 4)
    assert view.layer.currentText() == "1 Linear"
    assert np.allclose(view.heatmap.image, np.abs(as_matrix(r2.weight_deltas["1 Linear"])))
    QTest.mouseClick(view.signed, LEFT)
    assert np.allclose(view.heatmap.image, r2.weight_deltas["1 Linear"])
    # the curves took the two steps as they take any
    assert list(session.history.steps()[0]) == [1, 2]
    with qtbot.waitSignal(session.finished, timeout=30_000):
        QTest.mouseClick(window.training.stop_button, LEFT)


def test_learning_rate_changed_while_training_applies_and_is_marked(window, qtbot):
    toy_mlp(window, qtbot, "xor")
    t, session = window.training, window.workspace.session
    choose_in_combo(t.optimizer, "sgd")
    t.lr.selectAll()
    QTest.keyClicks(t.lr, "0.1")
    QTest.keyClick(t.lr, Qt.Key.Key_Return)
    t.epochs.setValue(5000)  # stopped below
    QTest.mouseClick(t.train_button, LEFT)
    qtbot.waitUntil(lambda: session.history.last_step > 20, timeout=30_000)
    assert t.lr.isEnabled() and t.momentum.isEnabled() and not t.batch_size.isEnabled()
    with qtbot.waitSignal(session.settingsChanged, timeout=30_000) as changed:
        t.lr.selectAll()
        QTest.keyClicks(t.lr, "0.01")
        QTest.keyClick(t.lr, Qt.Key.Key_Return)
    change = changed.args[0]
    assert change.label == "lr 0.1 → 0.01"
    trainer = session._worker.trainer
    assert trainer.optimizer.param_groups[0]["lr"] == 0.01
    with qtbot.waitSignal(session.finished, timeout=30_000):
        QTest.mouseClick(t.stop_button, LEFT)
    marks = [i for i in window.curves.loss_plot.plotItem.items if isinstance(i, pg.InfiniteLine)]
    assert [(m.value(), m.label.toPlainText()) for m in marks] == [(change.step, change.label)]
    assert session.history.changes == [change]
    assert window.workspace.snapshot_project().config.lr == 0.01
