"""Gradient flow: mean |gradient| per layer over the run, on a log scale, from the history."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.ui.state.session import TrainingSession
from playground.ui.widgets.live_view import LiveView
from playground.ui.widgets.plots import FollowRange, plot_widget


def joined(steps: np.ndarray) -> np.ndarray:
    """Which neighbouring samples a line may join (pyqtgraph's connect array): those no
    farther apart than twice the usual gap. A straight line across a long gap (snapshots
    thinned out, a run continued) drew a trend that was never measured."""
    gaps = np.diff(steps)
    if not len(gaps):
        return np.ones(len(steps), dtype=bool)
    usual = float(np.median(gaps))
    return np.append(gaps <= 2 * usual, True)


class GradientsView(LiveView):
    """Draws session.history.gradients: the run's own record, so an opened project shows its
    gradients and a new run never mixes with the last one's layers."""

    def __init__(self, session: TrainingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.plot = plot_widget("Mean |gradient| of each layer's weights", grid=True)
        self.plot.setLogMode(y=True)
        self.plot.setLabel("bottom", "step")
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextColor="#1F2328")
        self.range = FollowRange(self.plot.plotItem)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("explanation")
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        session.snapshotTaken.connect(self.offer)
        session.historyReplaced.connect(lambda: self.offer(session.history))
        self.offer(session.history)

    def render_blank(self) -> None:
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.curves.clear()

    def render(self, _: object) -> None:
        series = self.session.history.gradients
        if set(series) != set(self.curves):
            self.render_blank()
        for i, (name, points) in enumerate(series.items()):
            if name not in self.curves:
                pen = pg.mkPen(pg.intColor(i, hues=9, maxValue=200), width=2)
                colour = pg.intColor(i, hues=9, maxValue=200)
                self.curves[name] = self.plot.plot(
                    name=name,
                    pen=pen,
                    symbol="o",
                    symbolSize=4,
                    symbolBrush=colour,
                    symbolPen=None,
                )  # dots: where it was measured
            steps, values = np.array(points, dtype=float).reshape(-1, 2).T
            self.curves[name].setData(steps, np.maximum(values, 1e-12), connect=joined(steps))
        self.note.setText(
            "Layers near the input learn from these gradients. When they are many times "
            "smaller than the last layer's (deep sigmoid networks), the first layers barely "
            "learn: the vanishing gradient problem."
            if series
            else "Train the network to see how strongly each layer's weights are pushed."
        )
        self.range.update()
