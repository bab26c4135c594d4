"""The smoothed loss curve drawn is the history's, point for point, at any zoom."""

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_gui_workspace import choose_dataset, click_tab, menu_action, train


def _wheel(widget, clicks: int) -> None:
    """Turn the mouse wheel over the middle of widget (positive: zoom in)."""
    pos = QPointF(widget.rect().center())
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        QPoint(),
        QPoint(0, 120 * clicks),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget.viewport(), event)


def _drawn_on_the_history(view) -> None:
    """Every point of the smoothed line is a point of the history's smoothed curve."""
    steps, values = view.history.smoothed_loss(view.smoothing.level())
    x, y = view.train_loss.getData()  # after clipping to the view and downsampling
    assert len(x) > 2
    where = np.searchsorted(steps, x)
    np.testing.assert_array_equal(steps[where], x)
    np.testing.assert_array_equal(values[where], y)


def test_smoothed_line_is_the_same_at_any_zoom_and_level(window, qtbot):
    choose_dataset(window, qtbot, "spiral")
    menu_action(window, "preset-mlp").trigger()
    train(window, qtbot, epochs=3)
    click_tab(window, "Curves")
    view = window.curves
    qtbot.waitUntil(lambda: view.train_loss.getData()[0] is not None)
    _drawn_on_the_history(view)
    before = view.train_loss.getData()
    _wheel(view.loss_plot, 3)
    qtbot.waitUntil(lambda: view.loss_plot.plotItem.vb.viewRange()[0][1] < before[0][-1])
    _drawn_on_the_history(view)
    zoomed = dict(zip(*view.train_loss.getData(), strict=True))
    assert all(zoomed[x] == y for x, y in zip(*before, strict=True) if x in zoomed)

    QTest.keyClick(view.smoothing.slider, Qt.Key.Key_Right)
    assert view.smoothing.value_label.text() == "0.8"
    _drawn_on_the_history(view)
