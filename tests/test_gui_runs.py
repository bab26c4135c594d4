"""Runs: every Train is kept; the Runs tab compares, renames, deletes and brings runs back."""

import torch
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QMessageBox
from test_gui_workspace import choose_dataset, click_tab, menu_action, train

from gui_helpers import LEFT, NO_MOD, answer_next_dialog, wait_for_tasks
from playground.core.io.project import load_project

CTRL = Qt.KeyboardModifier.ControlModifier


def _type_lr(window, text: str) -> None:
    lr = window.training.lr
    QTest.mouseDClick(lr.lineEdit(), LEFT)
    QTest.keyClick(lr.lineEdit(), Qt.Key.Key_A, CTRL)
    QTest.keyClicks(lr.lineEdit(), text)
    QTest.keyClick(lr.lineEdit(), Qt.Key.Key_Tab)


def _click_row(table, row: int, modifier=NO_MOD) -> None:
    rect = table.visualItemRect(table.item(row, 0))
    QTest.mouseClick(table.viewport(), LEFT, modifier, rect.center())


def _names(table) -> list[str]:
    return [table.item(r, 0).text() for r in range(table.rowCount())]


def _legend(plot) -> list[str]:
    return [label.text for _, label in plot.plotItem.legend.items]


def test_runs_are_kept_compared_renamed_made_current_and_saved(
    window, qtbot, tmp_path, monkeypatch
):
    choose_dataset(window, qtbot, "gauss")
    menu_action(window, "preset-mlp").trigger()
    train(window, qtbot, epochs=2)
    QTest.mouseClick(window.training.reset_button, LEFT)
    _type_lr(window, "0.02")
    train(window, qtbot, epochs=2)

    click_tab(window, "Runs")
    view = window.views.runs
    table = view.table
    assert _names(table) == ["Run 1", "Run 2"]
    assert table.item(0, 1).text() == "completed" and table.item(0, 2).text() == "2"
    assert _legend(view.loss_plot) == ["Run 2"]  # the newest is chosen

    _click_row(table, 0)
    _click_row(table, 1, CTRL)
    assert _legend(view.loss_plot) == ["Run 1", "Run 2"]
    assert _legend(view.acc_plot) == ["Run 1", "Run 2"]
    curves = view.loss_plot.plotItem.listDataItems()
    assert len({c.opts["pen"].color().name() for c in curves}) == 2  # one colour each
    assert all(len(c.getData()[0]) > 5 for c in curves)
    assert "learning rate: 0.001 · 0.02" in view.diff.text()

    accuracy = view.table.horizontalHeader()
    column = 3  # "Val. accuracy"
    QTest.mouseClick(
        accuracy.viewport(), LEFT, NO_MOD, QPoint(accuracy.sectionViewportPosition(column) + 5, 5)
    )
    shown = [float(table.item(r, column).text().rstrip("%")) for r in range(2)]
    assert shown == sorted(shown) or shown == sorted(shown, reverse=True)

    _click_row(table, _names(table).index("Run 1"))
    QTest.mouseClick(view.rename_button, LEFT)
    editor = table.viewport().findChild(QLineEdit)
    assert editor is not None, table.state()
    QTest.keyClick(editor, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(editor, "slow start")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "slow start" in _names(table))

    row = _names(table).index("slow start")
    _click_row(table, row)
    seen = []
    answer_next_dialog(QMessageBox.StandardButton.Discard, seen)  # Run 2's weights unsaved
    QTest.mouseClick(view.current_button, LEFT)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == ["Save the changes to Untitled first?"]
    first = window.workspace.runs.runs[0]
    assert window.training.lr.value() == 0.001
    session = window.workspace.session
    assert all(torch.equal(session.weights[k], first.weights[k]) for k in first.weights)
    assert window.training.train_button.text() == "▶  Continue"

    csv = tmp_path / "run2.csv"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(csv), "")
    )
    _click_row(table, _names(table).index("Run 2"))
    QTest.mouseClick(view.csv_button, LEFT)
    lines = csv.read_text().splitlines()
    assert lines[0] == "kind,step,epoch,loss,accuracy,val_loss,val_accuracy"
    assert sum(line.startswith("epoch,") for line in lines) == 2
    assert window.statusBar().currentMessage() == f"Saved the curves of Run 2 to {csv}"
    monkeypatch.setattr(  # a folder: no file can be written there
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(tmp_path), "")
    )
    QTest.mouseClick(view.csv_button, LEFT)
    assert window.banner.text().startswith(f"Could not write {tmp_path}")

    QTest.mouseClick(view.delete_button, LEFT)
    qtbot.waitUntil(lambda: _names(table) == ["slow start"])

    path = tmp_path / "runs.playground"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    menu_action(window, "saveAs").trigger()
    wait_for_tasks(qtbot, window)
    (kept,) = load_project(path).runs
    assert kept.name == "slow start" and kept.config.lr == 0.001 and kept.weights is not None
    assert kept.spec == window.workspace.document.spec
