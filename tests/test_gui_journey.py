"""A learner's journey through the window, driven as a person would, asserting at each step what
they see: design by dragging, train, Step, walk through backprop, classify a drawn digit, save,
start anew, reopen. No error line, no picture of a previous input, and the one replace of
unsaved work is asked first."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from test_gui_main_window import click_card, layer_types, palette_drag, set_spin

from gui_helpers import (
    LEFT,
    NO_MOD,
    FakeDragManager,
    answer_next_dialog,
    click_menu,
    click_tab,
    open_backprop,
    wait_for_tasks,
)

Button = QMessageBox.StandardButton


@pytest.fixture
def drags(monkeypatch):
    return FakeDragManager(monkeypatch)


def no_error_line(window) -> bool:
    return window.banner.text() == ""


def draw(pad, x: int) -> None:
    """A stroke down the pad at x (a 1), as a mouse draws it."""
    QTest.mousePress(pad, LEFT, NO_MOD, QPoint(x, 22))
    for y in range(22, 130, 8):
        QTest.mouseMove(pad, QPoint(x, y))
    QTest.mouseRelease(pad, LEFT, NO_MOD, QPoint(x, 130))


def picture_shown(view) -> bool:
    """Whether the Classify tab shows a picture of an input (not its 'drop an image' hint)."""
    pixmap = view.original.pixmap()
    return pixmap is not None and not pixmap.isNull()


def test_a_learners_journey(window, drags, qtbot, tmp_path, monkeypatch):
    ws, stack, t = window.workspace, window.stack, window.training

    # Design: empty the network, drag Flatten and Linear from the palette, fit the outputs.
    while ws.document.spec.layers:
        click_card(window, 0)
        QTest.keyClick(stack, Qt.Key.Key_Delete)
    palette_drag(window, drags, "Flatten", stack.cards[0].rect.bottom() + 30)
    palette_drag(window, drags, "Linear", stack.card_rect(0).bottom() + 30)
    click_card(window, 1)
    set_spin(window.inspector.editors["out_features"], 10)
    assert layer_types(window) == ["Flatten", "Linear"]
    assert "✓ ready to train" in stack.footer and no_error_line(window)

    # Train one epoch: curves drawn, Train now continues.
    set_spin(t.epochs, 1)
    with qtbot.waitSignal(ws.session.finished, timeout=60_000):
        QTest.mouseClick(t.train_button, LEFT)
    assert len(window.curves.history.epochs) == 1 and no_error_line(window)
    assert t.train_button.text() == "▶  Continue"

    # Step: one mini-batch, its loss before and after on the Step tab.
    with qtbot.waitSignal(ws.session.stepMeasured, timeout=30_000):
        QTest.keyClick(window, Qt.Key.Key_F10)
    click_tab(window, "Step")
    assert "one mini-batch" in window.views.step.headline.text()

    # Walk through backprop to the last stage: every stage has its picture, none fails.
    open_backprop(window)
    view = window.views.backprop
    QTest.mouseClick(view.start, LEFT)
    qtbot.waitUntil(lambda: view.counter.text().startswith("1 /"), timeout=30_000)
    texts = [view.title.text() + view.text.text()]
    while view.next.isEnabled():
        QTest.mouseClick(view.next, LEFT)
        texts.append(view.title.text() + view.text.text())
    assert texts[-1].startswith("Update"), texts[-1]
    assert not any("Could not" in text for text in texts), texts
    with qtbot.waitSignal(ws.session.finished, timeout=30_000):
        QTest.mouseClick(t.stop_button, LEFT)

    # Classify a drawn digit; a second drawing replaces the first one's picture and answer.
    click_tab(window, "Classify")
    classify = window.classify_view
    draw(classify.pad, 75)
    assert len(classify.bars.rows) == 5 and "the network says" in classify.message_text()
    first = classify.original.pixmap().toImage()
    QTest.mouseClick(
        next(b for b in classify.findChildren(type(t.train_button)) if b.text() == "Clear pad"),
        LEFT,
    )
    draw(classify.pad, 40)
    assert classify.original.pixmap().toImage() != first and no_error_line(window)

    # Save with Ctrl+S; the title says saved.
    path = tmp_path / "digits.playground"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, window)
    assert path.exists() and not window.isWindowModified()

    # File ▸ New: nothing unsaved, so no question; no picture of the old digit stays.
    seen = []
    click_menu(window, "File", "New")  # a question would block here until answered
    wait_for_tasks(qtbot, window)
    assert not seen and not picture_shown(classify) and classify.bars.rows == []
    assert layer_types(window)[0] == "Conv2d" and ws.session.weights is None

    # Reopen from Open Recent: the trained perceptron is back, with nothing stale beside it.
    click_menu(window, "File", "Open Recent", str(path.resolve()))
    wait_for_tasks(qtbot, window)
    assert layer_types(window) == ["Flatten", "Linear"] and ws.session.state == "trained"
    assert window.windowTitle().startswith("digits") and no_error_line(window)
    assert not picture_shown(classify) and classify.bars.rows == []
    draw(classify.pad, 75)
    assert len(classify.bars.rows) == 5

    # Unsaved work (a setting changed) is asked about before a pretrained network replaces
    # it; Cancel keeps the perceptron.
    set_spin(t.lr, 0.01)
    assert window.isWindowModified()
    answer_next_dialog(Button.Cancel, seen)
    click_menu(window, "Network", "Pretrained", "ImageNet classifier (EfficientNet-Lite0)")
    assert seen == ["Save the changes to digits first?"]
    assert layer_types(window) == ["Flatten", "Linear"] and no_error_line(window)
