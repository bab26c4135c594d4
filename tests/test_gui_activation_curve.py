import numpy as np
import torch
from PySide6.QtTest import QTest
from test_gui_main_window import click_card
from test_gui_views import train

from gui_helpers import LEFT
from playground.core.inspect.inference import inference_model


def test_sigmoid_card_shows_its_curve_and_the_inputs_it_receives(window, qtbot):
    window.workspace.apply_preset("deep-sigmoid")
    curve = window.inspector.curve
    train(window, qtbot, 1)
    click_card(window, 2)  # 3 Sigmoid, after Flatten and the first Linear
    assert curve.isVisible() and window.workspace.session.probes.activations
    x, y = curve.curve.getData()
    assert np.allclose(y, 1 / (1 + np.exp(-x)), atol=1e-6)
    _, dy = curve.slope.getData()
    assert np.allclose(dy, y * (1 - y), atol=1e-6)
    qtbot.waitUntil(lambda: curve.region.isVisible(), timeout=30_000)
    # The shaded range: what the first Linear gives the sigmoid on the first training batch
    ws = window.workspace
    model = inference_model(ws.session.spec, ws.dataset.num_classes, ws.session.weights)
    with torch.no_grad():
        pre = model[:2](ws.dataset.x_train[:256]).numpy()
    low, high = curve.region.getRegion()
    assert np.allclose([low, high], np.percentile(pre, [1, 99]), atol=1e-4)
    assert curve.bars.opts["height"].max() > 0
    assert "Shaded" in curve.note.text()

    click_card(window, 1)  # a Linear layer: no curve, and no more probing for one
    assert not curve.isVisible() and not window.workspace.session.probes.activations


def test_the_curve_is_seen_whole_in_the_inspector_at_1024_by_700(window, qtbot):
    """Clicking a ReLU card at the smallest window shows its curve at once, whole and large
    enough to read, without scrolling the inspector."""
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    click_card(window, 1)  # 2 ReLU of the small CNN
    curve = window.inspector.curve
    qtbot.waitUntil(curve.isVisible)
    qtbot.wait(50)
    scroll = window.inspector.parentWidget().parentWidget()
    viewport = scroll.viewport()
    plot = curve.plot
    top_left = plot.mapTo(viewport, plot.rect().topLeft())
    shown = viewport.rect()
    assert shown.contains(top_left) and shown.contains(top_left + plot.rect().bottomRight())
    assert plot.width() >= 110 and plot.height() >= 150
    assert scroll.verticalScrollBar().value() == 0


def test_a_graph_networks_activation_shows_the_inputs_it_receives(window, qtbot):
    """In ResNet-small the ReLU after the stem is named by its node ('stem_relu ReLU'): its
    curve shades what it receives (looked up as '2 ReLU', nothing was ever found)."""
    from test_gui_canvas import click_card as click_node

    window.workspace.apply_preset("resnet-small")
    with qtbot.waitSignal(window.workspace.session.stepMeasured, timeout=60_000):
        QTest.mouseClick(window.training.step_button, LEFT)  # a paused run, one step taken
    click_node(window.canvas, "stem_relu")
    curve = window.inspector.curve
    assert curve.isVisible() and window.workspace.session.probes.activations
    QTest.mouseClick(window.training.step_button, LEFT)  # a step that probes for the curve
    qtbot.waitUntil(curve.region.isVisible, timeout=30_000)
    assert curve.layer[0] == "stem_relu ReLU" and "Shaded" in curve.note.text()
