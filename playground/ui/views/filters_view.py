"""Filters: the kernels of a conv layer, one tile per filter (and input channel)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.core.data.mosaic import mosaic
from playground.core.numbers import number
from playground.core.training.events import Snapshot
from playground.ui.widgets.live_view import LiveView
from playground.ui.widgets.plots import DIVERGING, plot_widget

MAX_INPUT_CHANNELS = 8


def filter_tiles(w: np.ndarray, scale: float) -> tuple[list[np.ndarray], int, bool]:
    """Tiles to show, columns, and whether they are RGB; scale maps weights to [-1, 1]."""
    out_c, in_c = w.shape[:2]
    if in_c == 3:  # colour input: one RGB tile per filter
        tiles = [np.clip(f.transpose(1, 2, 0) / scale * 0.5 + 0.5, 0, 1) for f in w]
        return tiles, min(out_c, 8), True
    shown = min(in_c, MAX_INPUT_CHANNELS)
    tiles = [w[o, i] / scale for o in range(out_c) for i in range(shown)]
    return tiles, shown if shown > 1 else min(out_c, 8), False


class FiltersView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = QComboBox()
        self.layer.currentTextChanged.connect(lambda _: self._rescale())
        rescale = QPushButton("Rescale colours")
        rescale.setToolTip(
            "The colour scale is fixed so that change over training shows; "
            "rescale to the current weights"
        )
        rescale.clicked.connect(self._rescale)
        self.note = QLabel("Train a network with a Conv2d layer to see its filters.")
        self.note.setObjectName("explanation")
        self.note.setWordWrap(True)  # long lines must not widen the tab (and the splitter)
        self.plot = plot_widget()
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.image = pg.ImageItem()
        self.image.setColorMap(DIVERGING)
        self.plot.addItem(self.image)
        self.scale: float | None = None
        top = QHBoxLayout()
        top.addWidget(QLabel("Conv layer"))
        top.addWidget(self.layer, 1)
        top.addWidget(rescale)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)

    def _rescale(self) -> None:
        self.scale = None
        self.refresh()

    def render_blank(self) -> None:
        self.layer.clear()
        self.image.clear()
        self.scale = None
        self.note.setText("Train a network with a Conv2d layer to see its filters.")

    def render(self, snap: Snapshot) -> None:
        convs = [n for n, w in snap.weights.items() if w.ndim == 4]
        if [self.layer.itemText(i) for i in range(self.layer.count())] != convs:
            self.layer.blockSignals(True)
            self.layer.clear()
            self.layer.addItems(convs)
            self.layer.blockSignals(False)
        name = self.layer.currentText()
        if name not in snap.weights:
            self.render_blank()
            self.note.setText("This network has no Conv2d layer: it has no filters to show.")
            return
        w = snap.weights[name]
        if self.scale is None:
            self.scale = float(np.abs(w).max()) or 1.0
        tiles, columns, rgb = filter_tiles(w, self.scale)
        picture = mosaic(tiles, columns, fill=0.5 if rgb else 0.0)
        self.image.setImage(picture, autoLevels=False, levels=(0, 1) if rgb else (-1, 1))
        out_c, _, k, _ = w.shape
        per = "RGB composited" if rgb else f"rows: {out_c} filters, columns: input channels"
        self.note.setText(
            f"{name}: {out_c} filters of {k}×{k} ({per}); blue negative, red "
            f"positive, colour scale fixed at ±{number(self.scale)}."
        )
