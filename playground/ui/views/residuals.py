"""A regression's validation answers: predicted against true (on the diagonal when right), and
the residuals (true − predicted) against the true values."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from playground.core.inspect.scores import regression_scores
from playground.ui.widgets.plots import plot_widget
from playground.ui.widgets.wide_row import WideRow

DOTS = pg.mkBrush("#3B73B9")
IDEAL = pg.mkPen("#1F2328", width=1.5, style=Qt.PenStyle.DashLine)


class ResidualPlots(WideRow):
    def __init__(self) -> None:
        self.fit = plot_widget("Predicted against true", grid=True)
        self.fit.setLabel("bottom", "true value")
        self.fit.setLabel("left", "predicted")
        self.off = plot_widget("Residuals", grid=True)
        self.off.setLabel("bottom", "true value")
        self.off.setLabel("left", "true − predicted")
        super().__init__(self.fit, self.off, 10**6, 1.6, (1, 1))
        self.points = pg.ScatterPlotItem(size=5, pen=None, brush=DOTS)
        self.diagonal = pg.PlotDataItem(pen=IDEAL)
        self.residuals = pg.ScatterPlotItem(size=5, pen=None, brush=DOTS)
        self.zero = pg.InfiniteLine(0, angle=0, pen=IDEAL)
        for plot, items in (
            (self.fit, (self.diagonal, self.points)),
            (self.off, (self.zero, self.residuals)),
        ):
            for item in items:
                plot.addItem(item)

    def clear(self) -> None:
        for item in (self.points, self.residuals):
            item.setData([], [])
        self.diagonal.setData([], [])

    def draw(self, predicted: np.ndarray, truth: np.ndarray) -> str:
        """Draw predicted against truth; the scores as a line of text."""
        self.points.setData(truth, predicted)
        low, high = float(truth.min()), float(truth.max())
        self.diagonal.setData([low, high], [low, high])
        self.residuals.setData(truth, truth - predicted)
        mae, r2 = regression_scores(predicted, truth)
        return (
            f"mean absolute error {mae:.3g}, R² {r2:.3f} on {len(truth)} validation samples. "
            "Right answers lie on the dashed line."
        )
