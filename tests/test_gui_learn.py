from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from gui_helpers import LEFT
from playground.ui.panels.learn_lessons import LESSONS


def test_learn_buttons_put_the_window_in_the_state_that_shows_the_concept(window, qtbot):
    ws, views = window.workspace, window.views
    window.findChild(QAction, "learn").trigger()
    panel = window.learn_dock.widget()
    assert window.learn_dock.isVisible() and len(panel.buttons) == len(LESSONS)

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


def _walk_every_stage(view, qtbot):
    """Walk through the chosen sample and press Next to the last stage; each stage's text."""
    QTest.mouseClick(view.start, LEFT)
    qtbot.waitUntil(lambda: view.start.isEnabled(), timeout=30_000)
    texts = [view.text.text()]
    while view.next.isEnabled():
        QTest.mouseClick(view.next, LEFT)
        texts.append(view.text.text())
    return texts


def test_every_lesson_shows_its_concept_without_an_error(window, qtbot):
    """Each Show me, then the Backpropagation lesson's walk-through to its end (it once failed
    on its own network: "Could not walk through this sample: '1 Flatten'")."""
    from playground.ui.panels.learn_lessons import LESSONS

    ws, views = window.workspace, window.views
    window.findChild(QAction, "learn").trigger()
    panel = window.learn_dock.widget()
    stop = window.training.stop_button
    for lesson in LESSONS:
        QTest.mouseClick(panel.buttons[lesson.title], LEFT)
        source = lesson.dataset
        qtbot.waitUntil(
            lambda: (
                ws.dataset is not None
                and ws.dataset.ref.source == source  # noqa: B023 (waited on in this turn)
                and ws.session.state in ("running", "paused")
                and ws.session.history.last_step > 0
            ),
            timeout=60_000,
        )
        assert window.banner.text() == "", lesson.title
        if lesson.title == "Backpropagation":
            texts = _walk_every_stage(views.backprop, qtbot)
            assert len(texts) > 10 and not any("Could not" in t for t in texts), texts
        if ws.session.busy:
            qtbot.waitUntil(lambda: stop.isEnabled() and stop.isVisible())
            QTest.mouseClick(stop, LEFT)
            qtbot.waitUntil(lambda: not ws.session.busy, timeout=60_000)
        assert window.banner.text() == "", lesson.title
