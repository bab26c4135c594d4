"""Paint data: Data set ▸ Paint…, two classes painted with mouse drags on the Boundary plane,
trained, and the boundary read back where the points were painted (data coordinates)."""

import numpy as np
import torch
from PySide6.QtTest import QTest

from gui_helpers import LEFT, paint_two_classes, stroke
from playground.core.data.dataset import point_inputs
from playground.core.inspect.inference import inference_model
from playground.core.inspect.probes import grid_probabilities


def test_paint_two_classes_train_and_read_the_boundary(window, qtbot):
    ws = window.workspace
    window.findChild(type(window.menus.undo), "paint").trigger()
    view = window.views.boundary
    bar = view.paint_bar
    assert window.views.currentWidget() is view and bar.paint.isChecked()
    qtbot.waitUntil(lambda: view.plot.isVisible())
    QTest.mouseClick(bar.classes.button(0), LEFT)  # blue, on the left
    stroke(view, [(-4, y) for y in np.linspace(-4, 4, 12)])
    assert len(ws.painting.points) > 20 and set(ws.painting.labels) == {0}
    assert ws.dataset.ref.source != "painted"  # one class: nothing to learn yet
    QTest.mouseClick(bar.classes.button(1), LEFT)  # orange, on the right
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        stroke(view, [(4, y) for y in np.linspace(-4, 4, 12)])
    painted = ws.painting.points
    left = painted[ws.painting.labels == 0]
    assert np.all(np.abs(left[:, 0] + 4) <= bar.radius.value() + 0.3)  # where the mouse went
    d = ws.dataset
    assert d.ref.source == "painted" and d.class_names == ["blue", "orange"]
    # undo takes the last stroke back; painting it again brings the data set back
    QTest.mouseClick(bar.undo, LEFT)
    assert set(ws.painting.labels) == {0}
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        stroke(view, [(4, y) for y in np.linspace(-4, 4, 12)])
    window.findChild(type(window.menus.undo), "preset-mlp").trigger()
    window.training.epochs.setValue(15)
    with qtbot.waitSignal(ws.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: view.picture is not None, timeout=30_000)
    model = inference_model(ws.session.spec, 2, ws.session.weights)
    where = torch.tensor([[-4.0, 0.0], [4.0, 0.0]])
    blue, orange = grid_probabilities(model, point_inputs(where, ws.dataset.preprocessing))
    assert blue.argmax() == 0 and orange.argmax() == 1
    # the picture: blue at the left of the plane, orange at its right (rows are y, columns x)
    mid = view.picture.shape[0] // 2
    assert view.picture[mid, 10].argmax() == 2  # blue's strongest channel
    assert view.picture[mid, -10].argmax() == 0  # orange's
    # the points are kept in the project
    project = ws.snapshot_project()
    assert project.dataset.source == "painted"
    assert len(project.dataset.options["points"].split(";")) == len(ws.painting.points)


def orange_at(view, x: float, y: float) -> bool:
    """Whether the boundary picture is orange at the plane's point (x, y)."""
    if view.picture is None:
        return False
    side = view.picture.shape[0] - 1
    col, row = (round((v + 6) / 12 * side) for v in (x, y))
    return view.picture[row, col].argmax() == 0  # orange's strongest channel is red


def test_painting_while_training_moves_the_boundary(window, qtbot):
    ws = window.workspace
    paint_two_classes(window, qtbot, np.linspace(-4, 0, 8))
    view = window.views.boundary
    window.findChild(type(window.menus.undo), "preset-mlp").trigger()
    window.training.lr.setValue(0.01)
    window.training.epochs.setValue(2000)
    QTest.mouseClick(window.training.train_button, LEFT)
    # the network splits left from right: the empty top left is blue too
    qtbot.waitUntil(
        lambda: (
            view.picture is not None and not orange_at(view, -4, -2) and not orange_at(view, -4, 4)
        ),
        timeout=60_000,
    )
    trainer = ws.session._worker.trainer
    before = len(trainer.data.x_train)
    # orange at the top left, far from any orange point so far, while the run goes on
    for x in (-5.0, -4.0, -3.0):
        stroke(view, [(x, y) for y in np.linspace(3, 5, 6)])
    assert ws.session.busy and ws.dataset.num_classes == 2
    qtbot.waitUntil(lambda: len(trainer.data.x_train) > before, timeout=30_000)
    qtbot.waitUntil(lambda: orange_at(view, -4, 4), timeout=90_000)  # the boundary moved
    assert not orange_at(view, -4, -2)  # and the blue points kept theirs
    with qtbot.waitSignal(ws.session.finished, timeout=30_000):
        QTest.mouseClick(window.training.stop_button, LEFT)
