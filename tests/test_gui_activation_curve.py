import numpy as np
import torch
from test_gui_main_window import click_card
from test_gui_views import train

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
