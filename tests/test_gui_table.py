"""Data set ▸ Open table…: the preview shows the columns and their kinds, the target and the
inputs are chosen with the mouse, and the table loads as the data set."""

from public_tables import iris_csv, iris_semicolon_csv, prices_csv
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox

from gui_helpers import LEFT, NO_MOD, choose_in_combo, click_tab
from playground.core.data.ref import DatasetRef


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


def test_the_boundary_of_a_table_over_two_chosen_inputs(window, qtbot, tmp_path):
    path = iris_csv(tmp_path)
    ws = window.workspace
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        ws.choose_dataset(DatasetRef(str(path), {"target": "species"}))
    window.findChild(type(window.menus.undo), "preset-mlp").trigger()
    click_tab(window, "Boundary")
    view = window.views.boundary
    assert view.chooser.isVisible() and view.plane == (0, 1)
    choose_in_combo(view.across, "petal length (cm)")
    choose_in_combo(view.up, "petal width (cm)")
    assert view.plane == (2, 3) and ws.session.probes.plane == (2, 3)
    xs, ys = view.train_points.getData()
    petals = iris_petals()
    assert xs.min() >= petals[:, 0].min() - 1e-4 and ys.max() <= petals[:, 1].max() + 1e-4
    window.training.lr.setValue(0.01)
    window.training.epochs.setValue(20)
    with qtbot.waitSignal(ws.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: view.picture is not None, timeout=30_000)
    # short petals are setosa (blue, class 0), long ones virginica (class 2, green)
    assert view.picture[5, 5].argmax() == 2  # blue's strongest channel
    assert view.picture[-5, -5].argmax() == 1  # green's
    extent = view.image.mapRectToParent(view.image.boundingRect())
    mean = ws.dataset.preprocessing.mean[2]
    assert abs(extent.center().x() - mean) < 1e-3  # the plane centred on the inputs' means


def iris_petals():
    from sklearn import datasets

    return datasets.load_iris().data[:, 2:]


def test_a_category_is_chosen_from_a_list_to_ask_the_network(window, qtbot, tmp_path):
    """Classify asks a table's network with a list of categories for a one-hot column, and
    the answer follows the category chosen."""
    path = prices_csv(tmp_path)
    ws = window.workspace
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        ws.choose_dataset(DatasetRef(str(path), {"target": "price"}))
    window.findChild(type(window.menus.undo), "preset-mlp").trigger()
    window.training.epochs.setValue(1)
    with qtbot.waitSignal(ws.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    click_tab(window, "Classify")
    buttons = window.classify_view.findChildren(type(window.training.train_button))
    assert not any(b.isVisible() for b in buttons if b.text() in ("Open image…", "Paste"))
    form = window.views.numbers
    assert [form.form.labelForField(b).text() for b in form.boxes] == ["size", "colour"]
    colour = form.boxes[1]
    assert isinstance(colour, QComboBox)
    assert [colour.itemText(i) for i in range(colour.count())] == ["blue", "green", "red"]
    QTest.mouseClick(form.ask, LEFT)
    blue = form.result.text()
    assert blue.startswith("price ≈ ")
    choose_in_combo(colour, "red")
    assert form.values()[1:] == [0.0, 0.0, 1.0]
    red = form.result.text()  # answered again without a click
    assert red.startswith("price ≈ ") and red != blue
    assert red == ws.answer_numbers([form.boxes[0].value(), 0.0, 0.0, 1.0])
