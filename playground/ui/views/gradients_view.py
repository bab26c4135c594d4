"""Gradient flow: mean |gradient| per layer over time, on a log scale."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.core.events import Snapshot
from playground.ui.views.base import LiveView
from playground.ui.widgets.plots import FollowRange, plot_widget

MAX_POINTS = 2000


class GradientsView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: dict[str, tuple[list[float], list[float]]] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.plot = plot_widget("Mean |gradient| of each layer's weights", grid=True)
        self.plot.setLogMode(y=True)
        self.plot.setLabel("bottom", "step")
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextColor="#1F2328")
        self.range = FollowRange(self.plot.plotItem)
        note = QLabel(
            "Layers near the input learn from these gradients. When they are many "
            "times smaller than the last layer's (deep sigmoid networks), the first "
            "layers barely learn: the vanishing gradient problem."
        )
        note.setWordWrap(True)
        note.setObjectName("explanation")
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(note)

    def offer(self, snap: Snapshot) -> None:
        # Every snapshot adds a point, so collect here; drawing waits for the timer.
        for name, value in snap.grad_magnitudes.items():
            steps, values = self.series.setdefault(name, ([], []))
            steps.append(snap.step)
            values.append(max(value, 1e-12))
            if len(steps) > MAX_POINTS:
                del steps[::2], values[::2]
        super().offer(snap)

    def clear(self) -> None:
        self.series.clear()
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.curves.clear()

    def render(self, snap: Snapshot) -> None:
        for i, (name, (steps, values)) in enumerate(self.series.items()):
            if name not in self.curves:
                pen = pg.mkPen(pg.intColor(i, hues=9, maxValue=200), width=2)
                self.curves[name] = self.plot.plot(name=name, pen=pen)
            self.curves[name].setData(np.array(steps, float), np.array(values))
        self.range.update()
