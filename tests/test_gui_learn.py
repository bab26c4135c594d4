from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from gui_helpers import LEFT


def test_learn_buttons_put_the_window_in_the_state_that_shows_the_concept(window, qtbot):
    ws, views = window.workspace, window.views
    window.findChild(QAction, "learn").trigger()
    panel = window.learn_dock.widget()
    assert window.learn_dock.isVisible() and len(panel.buttons) == 11

    QTest.mouseClick(panel.buttons["Vanishing gradients"], LEFT)
    qtbot.waitUntil(lambda: ws.session.busy, timeout=10_000)
    types = [layer.type for layer in ws.document.spec.layers]
    assert types.count("Sigmoid") == 6
    assert views.currentWidget() is views.gradients
    assert ws.session.busy  # training started

    # Another lesson while that one trains: the run stops, XOR loads, the ReLU card is chosen
    QTest.mouseClick(panel.buttons["Activation"], LEFT)
    qtbot.waitUntil(lambda: ws.dataset.ref.source == "xor" and ws.session.busy, timeout=60_000)
    assert window.training.dataset.currentData() == "xor"
    assert [layer.type for layer in ws.document.spec.layers][:2] == ["Linear", "ReLU"]
    assert views.currentWidget() is views.neurons
    assert window.stack.selected == 1 and window.inspector.curve.isVisible()
    assert window.training.lr.value() == 0.01
    QTest.mouseClick(window.training.stop_button, LEFT)
    qtbot.waitUntil(lambda: not ws.session.busy, timeout=60_000)

    QTest.mouseClick(panel.buttons["Backpropagation"], LEFT)  # a step, in its inner tab
    qtbot.waitUntil(lambda: views.currentWidget() is views.step_tab, timeout=60_000)
    assert ws.dataset.ref.source == "mnist5k"
    assert views.step_tab.currentWidget() is views.backprop
    qtbot.waitUntil(lambda: ws.session.state == "paused", timeout=60_000)
