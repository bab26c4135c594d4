"""Decision boundary on 2-D data: the plane coloured by predicted class, the points on top."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.core.events import BOUNDARY_EXTENT, Probe
from playground.ui.views.base import LiveView
from playground.ui.widgets.plots import plot_widget

CLASS_COLOURS = (
    np.array(
        [
            [59, 115, 185],
            [224, 123, 34],
            [62, 155, 91],
            [138, 92, 199],
            [198, 40, 40],
            [95, 107, 118],
        ],
        dtype=np.float32,
    )
    / 255
)


def boundary_picture(probs: np.ndarray) -> np.ndarray:
    """H×W×3: each class's colour, faded to white where the network is unsure."""
    best = probs.argmax(axis=2)
    confidence = probs.max(axis=2)
    k = probs.shape[2]
    strength = ((confidence - 1 / k) / (1 - 1 / k))[..., None] * 0.75
    colours = CLASS_COLOURS[best % len(CLASS_COLOURS)]
    return 1 - strength * (1 - colours)


class BoundaryView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot_widget()
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        e = BOUNDARY_EXTENT
        self.image.setRect(QRectF(-e, -e, 2 * e, 2 * e))
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5))
        self.val_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#1F2328", width=1.2))
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.val_points)
        self.note = QLabel(
            "Choose a 2-D data set (circle, xor, gauss, spiral) to see how the "
            "network splits the plane."
        )
        self.note.setObjectName("explanation")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.picture: np.ndarray | None = None

    def set_points(
        self, train: tuple[np.ndarray, np.ndarray] | None, val: tuple[np.ndarray, np.ndarray] | None
    ) -> None:
        """Raw coordinates (N×2) and labels of the training and validation points."""
        for item, data in ((self.train_points, train), (self.val_points, val)):
            if data is None:
                item.setData([], [])
                continue
            pts, labels = data
            brushes = [pg.mkBrush(*(CLASS_COLOURS[c % len(CLASS_COLOURS)] * 255)) for c in labels]
            item.setData(pts[:, 0], pts[:, 1], brush=brushes)
        if train is not None:
            self.note.setText(
                "Background: the predicted class, paler where the network is "
                "unsure. Dots: training points; outlined dots: validation points."
            )

    def render(self, probe: Probe) -> None:
        if probe.boundary is None:
            return
        self.picture = boundary_picture(probe.boundary)
        self.image.setImage(self.picture, autoLevels=False, levels=(0, 1))
