"""Step: what one mini-batch did, its loss before and after and how far each weight moved."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.core.numbers import apart, number
from playground.core.training.events import StepResult
from playground.ui.views.weights_view import as_matrix
from playground.ui.widgets.live_view import LiveView, show_layer_names
from playground.ui.widgets.plots import DIVERGING, add_plot, color_bar, tune_plot

MAGNITUDE = pg.colormap.get("viridis")
HINT = (
    "Press Step (F10) to run one mini-batch and pause: its loss before and after the update "
    "and how far each weight moved are shown here."
)


class StepView(LiveView):
    """The last StepResult: a headline with the batch's loss and a heatmap of Δw per layer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel(HINT)
        self.headline.setWordWrap(True)
        self.headline.setObjectName("stepHeadline")
        self.layer = QComboBox()
        self.layer.currentTextChanged.connect(lambda _: self.refresh())
        self.signed = QCheckBox("Signed Δw (else |Δw|)")
        self.signed.toggled.connect(lambda _: self.refresh())
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground("w")
        self.plot = add_plot(
            self.plots, title="how far each weight moved (row: neuron, column: input)"
        )
        self.heatmap = pg.ImageItem()
        self.plot.addItem(self.heatmap)
        self.plot.invertY(True)
        tune_plot(self.plot)
        self.colorbar = color_bar((0, 1), MAGNITUDE, self.heatmap, self.plot)
        self.summary = QLabel()
        self.summary.setObjectName("explanation")
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer"))
        top.addWidget(self.layer, 1)
        top.addWidget(self.signed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(top)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.summary)

    def render_blank(self) -> None:
        self.layer.clear()
        self.heatmap.clear()
        self.headline.setText(HINT)
        self.summary.clear()

    def render(self, r: StepResult) -> None:
        change = r.loss_after - r.loss_before
        before, after = apart(r.loss_before, r.loss_after)
        self.headline.setText(
            f"Step {r.step:,} (epoch {r.epoch}), one mini-batch of {r.batch_size}: the loss on "
            f"this batch went {before} → {after} ({number(change, signed=True)})"
        )
        show_layer_names(self.layer, list(r.weight_deltas))
        delta = r.weight_deltas.get(self.layer.currentText())
        if delta is not None:
            self._draw(as_matrix(delta))
        self.summary.setText(
            "Mean |Δw| per layer: "
            + ",  ".join(f"{k} {number(np.abs(v).mean())}" for k, v in r.weight_deltas.items())
        )

    def _draw(self, m: np.ndarray) -> None:
        limit = float(np.abs(m).max()) or 1e-12
        if self.signed.isChecked():
            levels, image, cmap = (-limit, limit), m, DIVERGING
        else:
            levels, image, cmap = (0.0, limit), np.abs(m), MAGNITUDE
        self.heatmap.setColorMap(cmap)
        self.colorbar.setColorMap(cmap)
        self.heatmap.setImage(image, autoLevels=False, levels=levels)
        self.colorbar.setLevels(levels)
