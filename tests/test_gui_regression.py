"""Regression in the window: sine trained, its curve drawn as the network's own predictions;
plane's picture coloured by the predicted number; the curves plot R², the confusion tab the
predicted against the true values."""

import numpy as np
import torch
from PySide6.QtTest import QTest

from gui_helpers import LEFT, click_tab, toy_mlp
from playground.core.data.dataset import point_inputs
from playground.core.inspect.inference import inference_model


def train(window, qtbot, epochs: int) -> None:
    window.training.epochs.setValue(epochs)
    window.training.lr.setValue(0.01)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)


def test_sine_curve_is_the_network_s_own_predictions(window, qtbot):
    toy_mlp(window, qtbot, "sine")
    ws = window.workspace
    assert ws.dataset.task == "regression" and ws.document.spec.input_shape == (1,)
    click_tab(window, "Boundary")
    view = window.views.boundary
    xs, ys = view.train_points.getData()
    assert len(xs) == len(ws.dataset.x_train) and np.abs(ys - np.sin(xs)).max() < 0.6
    train(window, qtbot, 12)
    r2 = ws.session.history.epochs[-1].val_accuracy  # a regression's score is R², no percentage
    assert window.training.status.text().endswith(f"validation R² {r2:.2f}")
    model = inference_model(ws.session.spec, 1, ws.session.weights)
    pre = ws.dataset.preprocessing

    def drawn_off() -> float:
        """How far the drawn curve is from the trained network's own answers."""
        cx, cy = view.curve.getData()
        if cx is None:
            return np.inf
        with torch.no_grad():
            out = model(point_inputs(torch.from_numpy(cx[:, None].astype(np.float32)), pre))
        return float(np.abs(cy - (out[:, 0].numpy() * pre.target[1] + pre.target[0])).max())

    # the last weights are drawn once the run has ended: the curve is the network's answer
    qtbot.waitUntil(lambda: drawn_off() < 1e-4, timeout=30_000)
    cx, cy = view.curve.getData()
    inside = np.abs(cx) < 4.5
    assert np.abs(cy[inside] - np.sin(cx[inside])).mean() < 0.3  # and it fits the sine
    epoch = ws.session.history.epochs[-1]
    assert epoch.val_accuracy > 0.8  # R²
    click_tab(window, "Curves")
    assert window.views.curves.acc_plot.plotItem.titleLabel.text.startswith("R²")
    click_tab(window, "Confusion")
    confusion = window.views.confusion
    qtbot.waitUntil(lambda: "mean absolute error" in confusion.title.text(), timeout=30_000)
    true, predicted = confusion.residuals.points.getData()
    assert len(true) == len(ws.dataset.x_val)
    assert np.abs(predicted - true).mean() < 0.3  # near the diagonal: a good fit


def test_plane_is_coloured_by_the_predicted_number(window, qtbot):
    toy_mlp(window, qtbot, "plane")
    click_tab(window, "Boundary")
    view = window.views.boundary
    assert window.views.toy_options.isVisible()  # noise and inputs, as for the class sets
    train(window, qtbot, 4)
    qtbot.waitUntil(lambda: view.picture is not None, timeout=30_000)
    low, high = view.picture[5, 5], view.picture[-5, -5]  # (-5.3, -5.3) and (5.3, 5.3)
    assert low.argmax() == 0 and high.argmax() == 2  # orange where x₁ + x₂ is low, blue high


def test_classify_answers_typed_numbers_with_the_predicted_value(window, qtbot):
    toy_mlp(window, qtbot, "sine")
    train(window, qtbot, 6)
    click_tab(window, "Classify")
    form = window.views.numbers
    assert form.isVisible() and len(form.boxes) == 1
    form.boxes[0].setValue(1.5)
    QTest.mouseClick(form.ask, LEFT)
    ws = window.workspace
    model = inference_model(ws.session.spec, 1, ws.session.weights)
    pre = ws.dataset.preprocessing
    with torch.no_grad():
        out = model(point_inputs(torch.tensor([[1.5]]), pre))[0, 0].item()
    assert form.result.text() == f"y ≈ {out * pre.target[1] + pre.target[0]:.4g}"
