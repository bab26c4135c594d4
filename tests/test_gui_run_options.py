"""The training panel's run options: early stopping with the best weights offered back,
TensorBoard logs, and the learning-rate finder."""

import numpy as np
import torch
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from test_gui_runs import _type_lr
from test_gui_workspace import choose_dataset, menu_action, train

from gui_helpers import LEFT, NO_MOD, wait_for_tasks


def _tick(box) -> None:
    QTest.mouseClick(box, LEFT, NO_MOD, QPoint(8, box.height() // 2))


def _gauss_mlp(window, qtbot) -> None:
    choose_dataset(window, qtbot, "gauss")
    menu_action(window, "preset-mlp").trigger()


def test_early_stopping_then_restore_the_best_epoch(window, qtbot):
    _gauss_mlp(window, qtbot)
    options = window.training.options
    _tick(options.early)
    QTest.keyClick(options.patience, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(options.patience, "2")
    assert window.workspace.config.patience == 2
    _type_lr(window, "0.03")
    train(window, qtbot, epochs=30)
    session = window.workspace.session
    epochs = session.history.epochs
    assert len(epochs) < 30  # stopped early
    assert "Stopped early" in window.training.status.text()
    best = min(epochs, key=lambda e: e.val_loss)
    assert epochs[-1].epoch == best.epoch + 2
    assert options.offering() and options.offer.isVisible() and not options.early.isVisible()
    assert f"Epoch {best.epoch} was best" in options.offer_text.text()
    final = session.weights
    QTest.mouseClick(options.restore, LEFT)
    assert not options.offering() and options.early.isVisible()
    restored = session.weights
    assert not all(torch.equal(restored[k], final[k]) for k in final)
    assert session.current_weights() is restored  # what Continue, Classify and Save take
    assert f"epoch {best.epoch} are back" in window.statusBar().currentMessage()


def test_tensorboard_checkbox_writes_event_files_tensorboard_reads(
    window, qtbot, tmp_path, monkeypatch
):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logs = tmp_path / "logs"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: str(logs)
    )
    _gauss_mlp(window, qtbot)
    _tick(window.training.options.tensorboard)
    assert window.training.options.tensorboard.isChecked()
    train(window, qtbot, epochs=2)
    (run,) = logs.iterdir()  # one folder a run
    events = EventAccumulator(str(run))
    events.Reload()
    tags = events.Tags()["scalars"]
    assert {"loss/train", "accuracy/train", "loss/validation", "accuracy/validation"} <= set(tags)
    val = events.Scalars("loss/validation")
    history = window.workspace.session.history.epochs
    assert [e.step for e in val] == [1, 2]
    np.testing.assert_allclose([e.value for e in val], [e.val_loss for e in history], rtol=1e-6)


def test_learning_rate_finder_plots_and_applies_its_suggestion(window, qtbot):
    from playground.ui.dialogs.lr_finder import LrFinderDialog

    _gauss_mlp(window, qtbot)
    QTest.mouseClick(window.training.options.find_lr, LEFT)
    dialog = window.findChild(LrFinderDialog)
    assert dialog.isVisible()
    wait_for_tasks(qtbot, window)
    assert dialog.apply_button.isEnabled()
    _, losses = dialog.smoothed.getData()
    found = dialog.finding
    assert 8 <= len(found.lrs) <= 100 and dialog.plot.plotItem.ctrl.logXCheck.isChecked()
    assert np.isfinite(losses).all()
    assert dialog.mark.value() == np.log10(found.suggestion)
    assert "Suggested" in dialog.message.text()
    QTest.mouseClick(dialog.apply_button, LEFT)
    assert not dialog.isVisible()
    assert window.training.lr.value() == float(f"{found.suggestion:.2g}")
    assert window.workspace.config.lr == float(f"{found.suggestion:.2g}")
