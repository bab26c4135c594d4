"""Weights: a heatmap of a layer's weight matrix, its bias and a histogram of the values."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.core.numbers import number
from playground.core.training.events import Snapshot
from playground.ui.widgets.live_view import LiveView, show_layer_names
from playground.ui.widgets.plots import DIVERGING, FollowRange, add_plot, color_bar, tune_plot


def as_matrix(w: np.ndarray) -> np.ndarray:
    """Linear (out, in) as is; conv (out, in, k, k) as (out, in·k·k)."""
    return w.reshape(w.shape[0], -1)


class WeightsView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = QComboBox()
        self.layer.currentTextChanged.connect(lambda _: self.refresh())
        self.hover = QLabel("Hover over the heatmap to read a weight")
        self.hover.setObjectName("explanation")
        self.hover.setWordWrap(True)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground("w")
        self.matrix_plot = add_plot(self.plots, title="weights (row: neuron, column: input)")
        self.heatmap = pg.ImageItem()
        self.heatmap.setColorMap(DIVERGING)
        self.matrix_plot.addItem(self.heatmap)
        self.matrix_plot.invertY(True)
        self.colorbar = color_bar((-1, 1), DIVERGING, self.heatmap, self.matrix_plot)
        self.bias_plot = add_plot(self.plots, title="bias")
        self.bias_image = pg.ImageItem()
        self.bias_image.setColorMap(DIVERGING)
        self.bias_plot.addItem(self.bias_image)
        self.bias_plot.invertY(True)
        self.bias_plot.hideAxis("bottom")
        self.bias_plot.setMaximumWidth(70)
        self.plots.nextRow()
        self.histogram = add_plot(self.plots, title="distribution of the weights", colspan=2)
        self.histogram.setMaximumHeight(180)
        self.histogram_range = FollowRange(self.histogram)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=1, brush="#3B73B9")
        self.histogram.addItem(self.bars)
        self.heatmap.hoverEvent = self._hover
        for plot in (self.matrix_plot, self.bias_plot, self.histogram):
            tune_plot(plot)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer"))
        top.addWidget(self.layer, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.hover)

    def render_blank(self) -> None:
        self.layer.clear()
        self.heatmap.clear()
        self.bias_image.clear()
        self.bars.setOpts(x=[0], height=[0], width=1)
        self.hover.setText("Train the network (or open a trained project) to see its weights.")

    def render(self, snap: Snapshot) -> None:
        show_layer_names(self.layer, list(snap.weights))
        name = self.layer.currentText()
        if name not in snap.weights:
            return
        m = as_matrix(snap.weights[name])
        limit = float(np.abs(m).max()) or 1.0
        self.heatmap.setImage(m, autoLevels=False, levels=(-limit, limit))
        self.colorbar.setLevels((-limit, limit))
        bias = snap.biases.get(name, np.zeros(m.shape[0]))
        self.bias_image.setImage(bias.reshape(-1, 1), autoLevels=False, levels=(-limit, limit))
        self.hover.setText("Hover over the heatmap to read a weight")
        counts, edges = np.histogram(m, bins=40)
        self.bars.setOpts(x=(edges[:-1] + edges[1:]) / 2, height=counts, width=edges[1] - edges[0])
        self.histogram_range.update()

    def _hover(self, event) -> None:
        image = self.heatmap.image
        if event.isExit() or image is None:
            return
        pos = event.pos()
        row, col = int(pos.y()), int(pos.x())
        if 0 <= row < image.shape[0] and 0 <= col < image.shape[1]:
            value = number(image[row, col], signed=True)
            self.hover.setText(f"neuron (row) {row}, input (column) {col}: {value}")
