"""Decision boundary on 2-D data: the plane coloured by predicted class (or, for a regression,
by the predicted number), the points on top, all in the data's own coordinates; a function of
one number is drawn as the data and the network's curve."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from playground.core.training.events import BOUNDARY_EXTENT, Probe
from playground.ui.state.painting import Painting
from playground.ui.views.paint_bar import PaintBar, PlotBrush
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
    "data set to see how the network splits the plane (plane or multigauss to see it predict "
    "a number, sine to see it fit a curve). Image data has hundreds of inputs, too many to "
    "draw as a plane."
)
LOW, HIGH = CLASS_COLOURS[1], CLASS_COLOURS[0]  # a regression's values: orange up to blue
CURVE_PEN = pg.mkPen("#1F2328", width=2.5)


def boundary_picture(probs: np.ndarray) -> np.ndarray:
    """H×W×3: each class's colour, faded to white where the network is unsure."""
    best = probs.argmax(axis=2)
    confidence = probs.max(axis=2)
    k = probs.shape[2]
    strength = ((confidence - 1 / k) / (1 - 1 / k))[..., None] * 0.75
    colours = CLASS_COLOURS[best % len(CLASS_COLOURS)]
    return 1 - strength * (1 - colours)


def value_colours(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """values (any shape) as RGB in [0, 1]: orange at low, white halfway, blue at high, as
    TensorFlow Playground colours a regression."""
    half = max((high - low) / 2, 1e-9)
    t = np.clip((values - (low + high) / 2) / half, -1, 1)[..., None]
    return np.where(t >= 0, 1 - t * (1 - HIGH), 1 + t * (1 - LOW))


class BoundaryView(LiveView):
    planeChosen = Signal()  # a table's two inputs to draw the plane across were chosen

    def __init__(
        self,
        controls: QWidget | None = None,
        painting: Painting | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """controls, if given, sit above the plot (the toy sets' options); painting, if given,
        gets the paint tools and the mouse on the plane."""
        super().__init__(parent)
        self.plot = plot_widget()
        self.plot.setAspectLocked(True)
        # under the toy options and paint tools: at 1024×700 with a message above the views
        # the plane keeps this much and the window still fits
        self.plot.setMinimumHeight(56)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5))
        self.val_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#1F2328", width=1.2))
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.val_points)
        self.curve = self.plot.plot(pen=CURVE_PEN)  # a function of one number: the fit
        self.values: tuple[float, float] | None = None  # a regression's range of true values
        self.one_d = self.has_points = False
        self.extent = EXTENT  # the plane, in the data's coordinates
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
        page.addWidget(self._plane_chooser())
        self.paint_bar: PaintBar | None = None
        if painting is not None:
            self._add_painting(painting, page)
        page.addWidget(self.plot, 1)
        page.addWidget(self.note)
        self.pages = QStackedLayout(self)
        self.pages.addWidget(plot_page)
        self.pages.addWidget(self.empty)
        self.picture: np.ndarray | None = None
        self.set_points(None, None)

    def set_points(
        self,
        train: tuple[np.ndarray, np.ndarray] | None,
        val: tuple[np.ndarray, np.ndarray] | None,
        regression: bool = False,
        extent: QRectF | None = None,
    ) -> None:
        """Raw coordinates (N×2, or N×1 for a function of one number) and labels (or, for a
        regression, true values) of the training and validation points; None for data that is
        not points (the tab then says why it is empty)."""
        self.values = None
        if train is not None and regression:
            both = np.concatenate([train[1], val[1]]) if val is not None else train[1]
            self.values = (float(both.min()), float(both.max()))
        self.one_d = train is not None and train[0].shape[1] == 1
        for item, data in ((self.train_points, train), (self.val_points, val)):
            if data is None:
                item.setData([], [])
                continue
            pts, labels = data
            if self.one_d:  # y is the value itself
                item.setData(pts[:, 0], labels, brush=pg.mkBrush(*(HIGH * 255)))
                continue
            if self.values is not None:
                colours = value_colours(labels, *self.values) * 255
            else:
                colours = CLASS_COLOURS[labels % len(CLASS_COLOURS)] * 255
            item.setData(pts[:, 0], pts[:, 1], brush=[pg.mkBrush(*c) for c in colours])
        self.has_points = train is not None
        self.extent = extent or EXTENT
        self._show_page()
        self._frame()
        self.render_blank()

    def _plane_chooser(self) -> QWidget:
        """Two lists of a table's inputs: the one across the plane and the one up it."""
        self.across, self.up = QComboBox(), QComboBox()
        self.chooser = QWidget()
        row = QHBoxLayout(self.chooser)
        row.setContentsMargins(0, 0, 0, 0)
        for label, combo in (("Across", self.across), ("Up", self.up)):
            row.addWidget(QLabel(label))
            row.addWidget(combo)
            combo.activated.connect(lambda _: self.planeChosen.emit())
        row.addWidget(QLabel("(the other inputs at their mean)"))
        row.addStretch(1)
        self.chooser.hide()
        return self.chooser

    def set_table_inputs(self, names: tuple[str, ...]) -> None:
        """A table of more than two inputs: choose the two the plane spans (the first two at
        first); fewer hide the choice."""
        self.chooser.setVisible(len(names) > 2)
        for combo, first in ((self.across, 0), (self.up, 1)):
            combo.clear()
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(min(first, len(names) - 1))

    @property
    def plane(self) -> tuple[int, int] | None:
        """The two inputs chosen, for a table of more than two."""
        if self.chooser.isHidden():
            return None
        return self.across.currentIndex(), self.up.currentIndex()

    def _add_painting(self, painting: Painting, page: QVBoxLayout) -> None:
        self.paint_bar = bar = PaintBar(painting)
        page.addWidget(bar)
        self.painted = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5))
        self.painted.setZValue(1)
        self.plot.addItem(self.painted)
        vb = self.plot.plotItem.getViewBox()
        PlotBrush(
            bar,
            self.plot.viewport(),
            lambda pos: vb.mapSceneToView(self.plot.mapToScene(pos.toPoint())),
        )
        painting.changed.connect(self._draw_painted)
        bar.paint.toggled.connect(self._paint_toggled)

    def start_painting(self) -> None:
        """Paint on: the plane is shown (whatever the data set) and the mouse paints."""
        if self.paint_bar is not None:
            self.paint_bar.paint.setChecked(True)

    def _paint_toggled(self, on: bool) -> None:
        self.plot.setMouseEnabled(x=not on, y=not on)  # a drag paints instead of panning
        if on and self.one_d:  # painting happens on the plane
            self.set_points(None, None)
        self._draw_painted()
        self._show_page()

    def _draw_painted(self) -> None:
        bar = self.paint_bar
        assert bar is not None
        p = bar.painting
        shown = bar.paint.isChecked()
        colours = CLASS_COLOURS[p.labels % len(CLASS_COLOURS)] * 255 if shown else []
        pts = p.points if shown else np.zeros((0, 2))
        self.painted.setData(pts[:, 0], pts[:, 1], brush=[pg.mkBrush(*c) for c in colours])

    def _show_page(self) -> None:
        painting = self.paint_bar is not None and self.paint_bar.paint.isChecked()
        self.pages.setCurrentIndex(0 if self.has_points or painting else 1)
        if painting:
            self._frame()

    def _frame(self) -> None:
        """The plane square, in the data's coordinates; a curve's plot as tall as its values."""
        self.plot.setAspectLocked(not self.one_d and self.extent is EXTENT)  # a table's axes
        # have units of their own
        if self.one_d and self.values is not None:
            low, high = self.values
            margin = 0.1 * (high - low) + 1e-6
            self.plot.setRange(
                QRectF(
                    -BOUNDARY_EXTENT, low - margin, 2 * BOUNDARY_EXTENT, high - low + 2 * margin
                ),
                padding=0,
            )
        else:
            self.plot.setRange(self.extent, padding=0)

    def render_blank(self) -> None:
        self.picture = None
        self.image.clear()
        self.curve.setData([], [])
        if self.one_d:
            hint = "Train the network to draw the curve it fits through them."
        elif self.values is not None:
            hint = "Train the network to colour the plane by the number it predicts."
        else:
            hint = "Train the network to colour the plane by the class it predicts."
        self.note.setText(f"Dots: training points; outlined dots: validation points. {hint}")

    def render(self, probe: Probe) -> None:
        if probe.boundary is None:
            return
        if probe.boundary.ndim == 2:  # values along x: the fitted curve
            xs = np.linspace(-BOUNDARY_EXTENT, BOUNDARY_EXTENT, len(probe.boundary))
            self.curve.setData(xs, probe.boundary[:, 0])
            self.note.setText(
                "Line: what the network predicts for each x. Dots: training points; outlined "
                "dots: validation points."
            )
            return
        if self.values is not None:
            self.picture = value_colours(probe.boundary[..., 0], *self.values)
            what = "the number the network predicts there (orange low, blue high)"
        else:
            self.picture = boundary_picture(probe.boundary)
            what = "the predicted class, paler where the network is unsure"
        self.image.setImage(self.picture, autoLevels=False, levels=(0, 1))
        self.image.setRect(self.extent)  # after setImage: it maps the image's pixels to the data
        self.note.setText(
            f"Background: {what}. Dots: training points; outlined dots: validation points."
        )
