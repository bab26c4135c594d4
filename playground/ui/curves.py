"""Live loss and accuracy curves, redrawn on a timer from the latest values."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from playground.core.events import EpochMetrics, StepMetrics
from playground.core.history import History, smooth

TRAIN, VAL, PREVIOUS = "#3B73B9", "#E07B22", "#B8C0C8"
REDRAW_MS = 400


def _plot(title: str, y_label: str, legend_offset: tuple[int, int]) -> pg.PlotWidget:
    w = pg.PlotWidget(background="w")
    w.setTitle(title, color="#1F2328", size="11pt")
    w.setLabel("left", y_label)
    w.showGrid(x=True, y=True, alpha=0.15)
    w.addLegend(offset=legend_offset, labelTextColor="#1F2328", brush="#FFFFFFD0")
    w.setMouseEnabled(x=True, y=False)
    return w


def _dotted_line(plot: pg.PlotItem, colour: str, size: int, name: str) -> pg.PlotDataItem:
    """A line with a dot at each point: one point per epoch."""
    return plot.plot(
        pen=pg.mkPen(colour, width=2),
        symbol="o",
        symbolSize=size,
        symbolBrush=colour,
        symbolPen=None,
        name=name,
    )


class CurvesView(QWidget):
    """Training loss per step (smoothed), validation loss and accuracy per epoch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = History()
        self.previous: History | None = None
        self._dirty = False
        self.loss_plot = _plot("Loss (cost function)", "cross-entropy", (-10, 10))
        self.loss_plot.setLabel("bottom", "step")
        self.acc_plot = _plot("Accuracy", "fraction correct", (-10, -10))
        self.acc_plot.setLabel("bottom", "epoch")
        self.acc_plot.setYRange(0, 1.02)
        self._make_items()
        self.smoothing = QSlider(Qt.Orientation.Horizontal)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(60)
        self.smoothing.setMaximumWidth(160)
        self.smoothing.valueChanged.connect(self._mark_dirty)
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.toggled.connect(self._set_log)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Smoothing"))
        controls.addWidget(self.smoothing)
        controls.addSpacing(16)
        controls.addWidget(self.log_scale)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.loss_plot, 3)
        layout.addWidget(self.acc_plot, 2)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._redraw)
        self._timer.start()

    def _make_items(self) -> None:
        lp, ap = self.loss_plot.plotItem, self.acc_plot.plotItem
        dashed = pg.mkPen(PREVIOUS, width=1.5, style=Qt.PenStyle.DashLine)
        self.prev_loss = lp.plot(pen=dashed)
        self.raw_loss = lp.plot(pen=pg.mkPen(TRAIN + "40", width=1))
        self.train_loss = lp.plot(pen=pg.mkPen(TRAIN, width=2), name="training")
        self.val_loss = _dotted_line(lp, VAL, 6, "validation")
        for item in (self.raw_loss, self.train_loss, self.prev_loss):
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        self.prev_acc = ap.plot(pen=dashed)
        self.train_acc = _dotted_line(ap, TRAIN, 5, "training")
        self.val_acc = _dotted_line(ap, VAL, 6, "validation")

    # --- data in ----------------------------------------------------------------------
    def add_step(self, m: StepMetrics) -> None:
        self.history.add_step(m)
        self._dirty = True

    def add_epoch(self, m: EpochMetrics) -> None:
        self.history.add_epoch(m)
        self._dirty = True

    def set_history(self, history: History) -> None:
        self.history = history
        self._mark_dirty()

    def start_over(self) -> None:
        """Keep the current run as the faint 'previous run' and start an empty one."""
        if len(self.history.steps()[0]) or self.history.epochs:
            self.previous = self.history
        self.history = History()
        self._mark_dirty()

    def _mark_dirty(self, *_: object) -> None:
        self._dirty = True

    def _set_log(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self._mark_dirty()

    # --- drawing ----------------------------------------------------------------------
    def _redraw(self) -> None:
        if not self._dirty or not self.isVisible():
            return
        self._dirty = False
        factor = self.smoothing.value() / 100
        steps, loss, _ = self.history.steps()
        self.raw_loss.setData(steps, loss)
        self.train_loss.setData(steps, smooth(loss, factor))
        ep = self.history.epochs
        x = np.array([e.step for e in ep], dtype=float)
        self.val_loss.setData(x, np.array([e.val_loss for e in ep]))
        epochs = np.array([e.epoch for e in ep], dtype=float)
        self.train_acc.setData(epochs, np.array([e.train_accuracy for e in ep]))
        self.val_acc.setData(epochs, np.array([e.val_accuracy for e in ep]))
        prev = self.previous
        self._show_previous_in_legend(prev is not None)
        if prev is not None:
            p_steps, p_loss, _ = prev.steps()
            self.prev_loss.setData(p_steps, smooth(p_loss, factor))
            self.prev_acc.setData(
                [e.epoch for e in prev.epochs], [e.val_accuracy for e in prev.epochs]
            )
        else:
            self.prev_loss.setData([], [])
            self.prev_acc.setData([], [])

    def _show_previous_in_legend(self, show: bool) -> None:
        for plot, item in ((self.loss_plot, self.prev_loss), (self.acc_plot, self.prev_acc)):
            legend = plot.plotItem.legend
            listed = any(sample.item is item for sample, _ in legend.items)
            if show and not listed:
                legend.addItem(item, "previous run")
            elif not show and listed:
                legend.removeItem(item)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._dirty = True
