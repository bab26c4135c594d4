"""Toy data as in TensorFlow Playground: input features, noise, test ratio and L1/L2
regularisation chosen in the training panel, trained, drawn over the (x1, x2) plane, saved."""

import numpy as np
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui_helpers import LEFT, choose_in_combo, click_tab, toy_mlp
from playground.core.data.dataset import point_inputs
from playground.core.inspect.inference import inference_model
from playground.core.inspect.probes import grid_probabilities


def test_derived_features_train_and_the_boundary_stays_on_the_plane(window, qtbot):
    toy_mlp(window, qtbot, "circle")
    ws, t = window.workspace, window.training
    click_tab(window, "Boundary")  # the toy set's options sit above its plane
    toy = window.views.toy_options
    assert toy.isVisible() and toy.features["x1"].isChecked() and toy.features["x2"].isChecked()
    for key in ("x1sq", "x2sq", "x1"):  # add x₁², x₂², then drop x₁
        with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
            QTest.mouseClick(toy.features[key], LEFT)
    d = ws.dataset
    assert d.ref.options["features"] == "x2,x1sq,x2sq"
    assert d.input_shape == (3,) and ws.document.spec.input_shape == (3,)
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        toy.test.selectAll()
        QTest.keyClicks(toy.test, "50")
        QTest.keyClick(toy.test, Qt.Key.Key_Return)
    d = ws.dataset
    assert len(d.x_val) == len(d.x_train) == 500
    raw_train = d.points[0].numpy()
    assert np.allclose(
        d.x_train[:, 1].numpy() * d.preprocessing.std[1] + d.preprocessing.mean[1],
        raw_train[:, 0] ** 2,
        atol=1e-3,
    )
    choose_in_combo(t.regularization, "l2")
    t.reg_rate.selectAll()
    QTest.keyClicks(t.reg_rate, "0.001")
    QTest.keyClick(t.reg_rate, Qt.Key.Key_Return)
    assert (ws.config.regularization, ws.config.reg_rate) == ("l2", 0.001)
    t.epochs.setValue(3)
    with qtbot.waitSignal(ws.session.finished, timeout=60_000):
        QTest.mouseClick(t.train_button, LEFT)
        assert not toy.isEnabled()  # the data set stays while training runs
    view = window.views.boundary
    qtbot.waitUntil(lambda: view.picture is not None, timeout=10_000)
    xs, _ = view.train_points.getData()
    assert np.allclose(xs, raw_train[:, 0])  # the points where they lie, not their features
    # the picture is the network's answer at each (x1, x2) of the plane, through the features
    model = inference_model(ws.session.spec, 2, ws.session.weights)
    grid = torch.tensor([[0.0, 0.0], [5.0, 5.0]])
    inner, outer = grid_probabilities(model, point_inputs(grid, d.preprocessing))
    assert inner.argmax() != outer.argmax()  # x₁² + x₂² separates the circle
    project = ws.snapshot_project()
    assert project.dataset.options["features"] == "x2,x1sq,x2sq"
    assert project.dataset.options["test_ratio"] == 0.5
    assert project.config.regularization == "l2" and project.preprocessing.features == (
        "x2",
        "x1sq",
        "x2sq",
    )
