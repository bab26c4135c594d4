"""Numbers as a learner reads them in the window: tables say their scale once, no axis hides a
multiplier in its label."""

import numpy as np
import pyqtgraph as pg

from playground.ui.widgets.array_panel import ArrayPanel


def test_a_table_of_tiny_gradients_reads_in_one_scale(qtbot):
    """Gradients of a trained network (~1e-9) read 0.0000 / -0.0000 in every cell."""
    panel = ArrayPanel()
    qtbot.addWidget(panel)
    panel.show_array("∂cost/∂bias", np.array([1.8e-9, -3.2e-10, 0.0], dtype=np.float32))
    assert panel.cell_texts() == [["1.8"], ["-0.32"], ["0"]]
    assert "values × 1e-9" in panel.title.text()
    assert "1.8e-9" in panel.range.text()


def test_no_axis_in_the_window_hides_an_si_multiplier(window):
    """The loss axis read "cross-entropy (x0.001)" with ticks 50…550: the loss read as 550."""
    axes = [
        item
        for view in window.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if isinstance(item, pg.AxisItem)
    ]
    assert len(axes) > 10
    assert not [a.labelText for a in axes if a.autoSIPrefix]


def test_a_pooling_card_shows_its_real_stride(window, qtbot):
    """MaxPool's stride 0 means "the window size": the inspector read "Stride 0"."""
    from PySide6.QtTest import QTest

    from gui_helpers import LEFT, NO_MOD

    layers = window.workspace.document.spec.layers
    pool = next(i for i, layer in enumerate(layers) if layer.type == "MaxPool2d")
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(pool).center())
    stride, kernel = window.inspector.editors["stride"], window.inspector.editors["kernel_size"]
    assert stride.value() == 0 and stride.text() == f"{kernel.value()} (= kernel size)"
    kernel.setValue(3)
    stride = window.inspector.editors["stride"]
    assert stride.text() == "3 (= kernel size)"
