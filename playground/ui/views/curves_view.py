"""Live loss and accuracy curves, redrawn on a timer from the latest values."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from playground.core.data.ref import REGRESSION
from playground.core.training.events import StepMetrics
from playground.core.training.history import History
from playground.ui.state.session import TrainingSession
from playground.ui.widgets.plots import FollowRange, plot_widget
from playground.ui.widgets.redraw import schedule
from playground.ui.widgets.smoothing_slider import SmoothingSlider
from playground.ui.widgets.wide_row import WideRow

TRAIN, VAL, PREVIOUS, MARK = "#3B73B9", "#E07B22", "#B8C0C8", "#6A3FA0"
REDRAW_MS = 500


def _plot(title: str, y_label: str, legend_offset: tuple[int, int]) -> pg.PlotWidget:
    w = plot_widget(title, grid=True)
    w.setLabel("left", y_label)
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

    def __init__(self, session: TrainingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.loss_plot = _plot("Loss (cost function)", "cross-entropy", (-10, 10))
        self.loss_plot.setLabel("bottom", "step")
        self.acc_plot = _plot("Accuracy", "fraction correct", (-10, -10))
        self.acc_plot.setLabel("bottom", "epoch")
        self._make_items()
        self.loss_range = FollowRange(self.loss_plot.plotItem)
        self.acc_range = FollowRange(self.acc_plot.plotItem, y_range=(0, 1.02), first_x=1)
        self._loss_dirty = self._acc_dirty = False
        self._loss_epochs_drawn: tuple = ()
        self._run_end = (0, 0)  # the step and epoch the current run ends at
        self.marks: list[pg.InfiniteLine] = []  # settings changed while training, by step
        self.smoothing = SmoothingSlider()
        self.smoothing.changed.connect(self._restyle)
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.toggled.connect(self._set_log)
        controls = QHBoxLayout()
        controls.addWidget(self.smoothing)
        controls.addSpacing(16)
        controls.addWidget(self.log_scale)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        # side by side where the view is short and wide (1024×700): stacked, both were slivers
        layout.addWidget(WideRow(self.loss_plot, self.acc_plot, 10**6, 1.6, (3, 2)), 1)
        session.stepped.connect(self._on_step)
        session.epochEnded.connect(self._mark_dirty)
        session.historyReplaced.connect(self._on_history_replaced)
        session.historyReplaced.connect(self._draw_marks)
        session.settingsChanged.connect(self._draw_marks)
        schedule(self, self._redraw_loss, REDRAW_MS)
        schedule(self, self._redraw_accuracy, REDRAW_MS)

    def set_task(self, task: str) -> None:
        """Name the curves for what the network learns: classes (cross-entropy, accuracy) or
        a number (its loss, and R²: 1 perfect, 0 no better than the mean, below 0 worse)."""
        regression = task == REGRESSION
        self.loss_plot.setTitle("Loss (cost function)")
        self.loss_plot.setLabel("left", "error" if regression else "cross-entropy")
        self.acc_plot.setTitle("R² (1: perfect, 0: the mean)" if regression else "Accuracy")
        self.acc_plot.setLabel("left", "R²" if regression else "fraction correct")
        self.acc_range.y_range = (-1.0, 1.02) if regression else (0, 1.02)
        self._mark_dirty()

    def _make_items(self) -> None:
        lp, ap = self.loss_plot.plotItem, self.acc_plot.plotItem
        dashed = pg.mkPen(PREVIOUS, width=1.5, style=Qt.PenStyle.DashLine)
        self.prev_loss = lp.plot(pen=dashed)
        self.raw_loss = lp.plot(pen=pg.mkPen(TRAIN + "40", width=1))
        self.train_loss = lp.plot(pen=pg.mkPen(TRAIN, width=2), name="training")
        self.val_loss = _dotted_line(lp, VAL, 6, "validation")
        self.raw_loss.setDownsampling(auto=True, method="peak")
        for item in (self.train_loss, self.prev_loss):
            # drops points, never averages them: a smoothed value looks the same at any zoom
            item.setDownsampling(auto=True, method="subsample")
        for item in (self.raw_loss, self.train_loss, self.prev_loss):
            item.setClipToView(True)
        self.prev_acc = ap.plot(pen=dashed)
        self.train_acc = _dotted_line(ap, TRAIN, 5, "training")
        self.val_acc = _dotted_line(ap, VAL, 6, "validation")

    # --- data in: the session's history, as its signals say it changed ------------------
    @property
    def history(self) -> History:
        return self.session.history

    @property
    def previous(self) -> History | None:
        return self.session.previous

    def _on_step(self, m: StepMetrics) -> None:
        if (m.end_step, m.last_epoch) != self._run_end:
            self._run_end = (m.end_step, m.last_epoch)
            self._acc_dirty = True
        self._loss_dirty = True

    def _on_history_replaced(self) -> None:
        self._run_end = (0, 0)
        if not self.history.epochs and not self.history.last_step:
            for follow in (self.loss_range, self.acc_range):
                follow.clear()
        self._mark_dirty()

    def _draw_marks(self, *_: object) -> None:
        """A labelled vertical line where settings changed while training: "lr 0.1 → 0.01"."""
        for line in self.marks:
            self.loss_plot.removeItem(line)
        self.marks = []
        for change in self.history.changes:
            line = pg.InfiniteLine(
                change.step,
                angle=90,
                pen=pg.mkPen(MARK, width=1.5, style=Qt.PenStyle.DashLine),
                label=change.label,
                labelOpts={
                    "position": 0.92,
                    "color": MARK,
                    "fill": "#FFFFFFD0",
                    "anchors": [(0, 0), (0, 0)],
                },
            )
            self.loss_plot.addItem(line, ignoreBounds=True)
            self.marks.append(line)

    def _mark_dirty(self, *_: object) -> None:
        self._loss_dirty = self._acc_dirty = True

    def _set_log(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self.loss_range.reset()
        self._restyle()

    def _restyle(self, *_: object) -> None:
        """Redraw now: the person moving a control expects to see it at once."""
        self._mark_dirty()
        self._redraw_loss()
        self._redraw_accuracy()

    # --- drawing: the two plots take separate turns, so no tick repaints both ------------
    def _redraw_loss(self) -> bool:
        """Draw the loss plot if its data changed and it is on screen; whether it did."""
        if not self._loss_dirty or not self.isVisible():
            return False
        self._loss_dirty = False
        level = self.smoothing.level()
        steps, loss, _ = self.history.steps()
        self.raw_loss.setData(steps, loss)
        self.train_loss.setData(*self.history.smoothed_loss(level))
        # Unchanged items are not given their data again: each setData repaints the plot.
        drawn = (id(self.history), len(self.history.epochs), id(self.previous), level)
        if drawn != self._loss_epochs_drawn:
            self._loss_epochs_drawn = drawn
            ep = self.history.epochs
            self.val_loss.setData([e.step for e in ep], [e.val_loss for e in ep])
            prev = self.previous
            self.prev_loss.setData(*(prev.smoothed_loss(level) if prev else ([], [])))
            self._show_in_legend(self.loss_plot, self.prev_loss, prev is not None)
        self.loss_range.update(self._run_end[0])
        return True

    def _redraw_accuracy(self) -> bool:
        """Draw the accuracy plot if its data changed and it is on screen; whether it did."""
        if not self._acc_dirty or not self.isVisible():
            return False
        self._acc_dirty = False
        ep = self.history.epochs
        epochs = [e.epoch for e in ep]
        self.train_acc.setData(epochs, [e.train_accuracy for e in ep])
        self.val_acc.setData(epochs, [e.val_accuracy for e in ep])
        prev = self.previous.epochs if self.previous else []
        self.prev_acc.setData([e.epoch for e in prev], [e.val_accuracy for e in prev])
        self._show_in_legend(self.acc_plot, self.prev_acc, self.previous is not None)
        self.acc_range.update(self._run_end[1])
        return True

    @staticmethod
    def _show_in_legend(plot: pg.PlotWidget, item: pg.PlotDataItem, show: bool) -> None:
        """List the previous run's line in plot's legend only while there is one."""
        legend = plot.plotItem.legend
        listed = any(sample.item is item for sample, _ in legend.items)
        if show and not listed:
            legend.addItem(item, "previous run")
        elif not show and listed:
            legend.removeItem(item)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._mark_dirty()
