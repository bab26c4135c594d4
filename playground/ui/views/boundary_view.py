"""Decision boundary on 2-D data: the plane coloured by predicted class, the points on top,
all in the data's own coordinates."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from playground.core.training.events import BOUNDARY_EXTENT, Probe
from playground.ui.widgets.live_view import LiveView
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
EXTENT = QRectF(-BOUNDARY_EXTENT, -BOUNDARY_EXTENT, 2 * BOUNDARY_EXTENT, 2 * BOUNDARY_EXTENT)
NOT_POINTS = (
    "The decision boundary is drawn for 2-D data: choose circle, xor, gauss or spiral as the "
    "data set to see how the network splits the plane. Image data has hundreds of inputs, "
    "too many to draw as a plane."
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
    def __init__(self, controls: QWidget | None = None, parent: QWidget | None = None) -> None:
        """controls, if given, sit above the plot (the toy sets' options)."""
        super().__init__(parent)
        self.plot = plot_widget()
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5))
        self.val_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#1F2328", width=1.2))
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.val_points)
        self.plot.setRange(EXTENT, padding=0)
        self.note = QLabel()
        self.note.setObjectName("explanation")
        self.note.setWordWrap(True)
        self.empty = QLabel(NOT_POINTS)
        self.empty.setObjectName("explanation")
        self.empty.setWordWrap(True)
        plot_page = QWidget()
        page = QVBoxLayout(plot_page)
        page.setContentsMargins(0, 0, 0, 0)
        if controls is not None:
            page.addWidget(controls)
        page.addWidget(self.plot, 1)
        page.addWidget(self.note)
        self.pages = QStackedLayout(self)
        self.pages.addWidget(plot_page)
        self.pages.addWidget(self.empty)
        self.picture: np.ndarray | None = None
        self.set_points(None, None)

    def set_points(
        self, train: tuple[np.ndarray, np.ndarray] | None, val: tuple[np.ndarray, np.ndarray] | None
    ) -> None:
        """Raw coordinates (N×2) and labels of the training and validation points; None for
        data that is not 2-D points (the tab then says why it is empty)."""
        for item, data in ((self.train_points, train), (self.val_points, val)):
            if data is None:
                item.setData([], [])
                continue
            pts, labels = data
            brushes = [pg.mkBrush(*(CLASS_COLOURS[c % len(CLASS_COLOURS)] * 255)) for c in labels]
            item.setData(pts[:, 0], pts[:, 1], brush=brushes)
        self.pages.setCurrentIndex(0 if train is not None else 1)
        self.render_blank()

    def render_blank(self) -> None:
        self.picture = None
        self.image.clear()
        self.note.setText(
            "Dots: training points; outlined dots: validation points. Train the network to "
            "colour the plane by the class it predicts."
        )

    def render(self, probe: Probe) -> None:
        if probe.boundary is None:
            return
        self.picture = boundary_picture(probe.boundary)
        self.image.setImage(self.picture, autoLevels=False, levels=(0, 1))
        self.image.setRect(EXTENT)  # after setImage: it maps the image's pixels to the data
        self.note.setText(
            "Background: the predicted class, paler where the network is unsure. Dots: "
            "training points; outlined dots: validation points."
        )
