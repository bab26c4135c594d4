"""Data set ▸ Open table…: the preview shows the columns and their kinds, the target and the
inputs are chosen with the mouse, and the table loads as the data set."""

from public_tables import iris_semicolon_csv
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, choose_in_combo


def untick(dialog, row: int) -> None:
    """Click the check box at the left of the input list's row."""
    box = dialog.inputs.visualItemRect(dialog.inputs.item(row))
    QTest.mouseClick(
        dialog.inputs.viewport(), LEFT, NO_MOD, QPoint(box.left() + 10, box.center().y())
    )


def test_open_a_table_choose_target_and_inputs(window, qtbot, tmp_path, monkeypatch):
    path = iris_semicolon_csv(tmp_path)
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), "")
    )
    ws, commands = window.workspace, window.datasets
    window.findChild(type(window.menus.undo), "openTable").trigger()
    qtbot.waitUntil(lambda: commands.preview is not None, timeout=30_000)
    dialog = commands.preview
    assert "150 rows, 5 columns, separated by semicolons, decimal commas" in dialog.summary.text()
    header = dialog.grid.horizontalHeaderItem(4).text()
    assert header == "species\n(categorical)"
    assert dialog.grid.item(0, 0).text() == "5,1"
    assert dialog.target.currentData() == "species"
    assert "3 classes (classification) from 4 input columns" in dialog.verdict.text()
    untick(dialog, 0)  # leave out both sepal columns
    untick(dialog, 1)
    assert [dialog.inputs.item(i).checkState() for i in range(4)] == [
        Qt.CheckState.Unchecked,
        Qt.CheckState.Unchecked,
        Qt.CheckState.Checked,
        Qt.CheckState.Checked,
    ]
    assert "from 2 input columns" in dialog.verdict.text()
    choose_in_combo(dialog.target, "petal width")  # a number: a regression on the others
    assert "a number (regression)" in dialog.verdict.text()
    choose_in_combo(dialog.target, "species")
    untick(dialog, 0)  # the inputs are listed afresh for the new target
    untick(dialog, 1)
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        QTest.mouseClick(dialog.load, LEFT)
    d = ws.dataset
    assert d.class_names == ["setosa", "versicolor", "virginica"]
    assert d.preprocessing.inputs == ("petal length", "petal width")
    assert window.training.dataset.currentText() == "Table: iris-semicolon.csv"
