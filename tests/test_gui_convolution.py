import re

import numpy as np
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_gui_main_window import set_spin
from test_gui_views import click_tab, train

from gui_helpers import LEFT, choose_in_combo
from playground.core.inspect.inference import inference_model


def test_a_filter_slides_and_its_dot_product_equals_torch(window, qtbot):
    window.workspace.apply_preset("lenet5")
    view = window.views.convolution
    click_tab(window, "Convolution")
    assert "Train" in view.note.text()
    train(window, qtbot, 1)
    qtbot.waitUntil(lambda: view.walk is not None, timeout=30_000)
    assert view.timer.isActive()  # it plays as soon as there is something to show

    choose_in_combo(view.layer, 16)  # 4 Conv2d, 16 filters
    set_spin(view.filter, 6)  # counted from 1, as its channels are
    qtbot.waitUntil(lambda: view.walk is not None and view.walk.layer == "4 Conv2d", timeout=30_000)
    QTest.mouseClick(view.play, LEFT)
    assert view.play.text() == "Play" and not view.timer.isActive()

    view.position.setFocus()
    QTest.keyClick(view.position, Qt.Key.Key_End)
    for _ in range(3):
        QTest.keyClick(view.position, Qt.Key.Key_Left)
    position = view.position.value()
    assert position == view.walk.positions - 4

    ws = window.workspace
    model = inference_model(ws.session.spec, 10, ws.session.weights)
    x = ws.dataset.x_val[:1]
    with torch.no_grad():
        expected = model[:4](x)[0, 5].numpy()  # torch's own convolution, the 6th filter
    r, c = divmod(position, expected.shape[1])
    written = float(re.findall(r"<b>([-+]?[\d.]+(?:e-?\d+)?)</b>", view.numbers.text())[-1])
    assert np.isclose(written, expected[r, c], atol=1e-4)
    assert np.allclose(view.output_image.image, expected, atol=1e-5)
    cover = view.unreached.image[..., 3].ravel()  # opaque where the filter has not been yet
    assert not cover[: position + 1].any() and (cover[position + 1 :] == 255).all()
    frame = view.window.rect()
    assert (frame.x(), frame.y(), frame.width()) == (c, r, 5)  # 5×5 kernel, stride 1

    interval = view.timer.interval()
    view.speed.setFocus()
    QTest.keyClick(view.speed, Qt.Key.Key_PageUp)
    assert view.timer.interval() < interval
    QTest.mouseClick(view.play, LEFT)
    qtbot.waitUntil(lambda: view.position.value() != position, timeout=5_000)


def test_a_graph_networks_filters_slide_too(window, qtbot, caplog):
    """ResNet-small's convolutions are named by their nodes ('a1 Conv2d'): the layer list
    offers them by those names, and choosing one slides its filter (it failed with a KeyError
    logged, and the tab stayed empty)."""
    window.workspace.apply_preset("resnet-small")
    view = window.views.convolution
    click_tab(window, "Convolution")
    QTest.mouseClick(window.training.step_button, LEFT)  # weights to slide: one Step
    qtbot.waitUntil(lambda: view.walk is not None, timeout=60_000)
    names = [view.layer.itemText(i) for i in range(view.layer.count())]
    assert names[:2] == ["stem Conv2d", "a1 Conv2d"] and view.walk.layer == "stem Conv2d"
    view.layer.setFocus()
    QTest.keyClick(view.layer, Qt.Key.Key_Down)  # the next convolution
    qtbot.waitUntil(lambda: view.walk.layer == "a1 Conv2d", timeout=30_000)
    assert not [r for r in caplog.records if r.exc_info]
