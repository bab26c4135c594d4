"""Neurons: the dense part of the network drawn as neurons, as TensorFlow Playground does.

Every neuron is a tile: on 2-D data its output over the plane, on images (the first dense
layer) its incoming weights as an image, otherwise its mean output on the last batch. Links
are blue for positive weights, orange for negative ones, thicker with |w|. A small network is
drawn whole (see neuron_layout.py); a layer too wide for that shows a page of neurons at a
time, and the strongest links between the pages shown."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

from playground.core.inspect.weight_templates import weight_templates
from playground.core.numbers import number
from playground.core.training.events import NeuronLayer, Probe, Snapshot
from playground.ui.views.neuron_layout import (
    MAX_INPUT_TILES,
    Column,
    Link,
    distance_to_line,
    lay_out,
    links_between,
)
from playground.ui.widgets.images import array_pixmap
from playground.ui.widgets.live_view import LiveView

POSITIVE, NEGATIVE = QColor(59, 115, 185), QColor(224, 123, 34)
NEURON_COLOURS = pg.ColorMap(
    [0.0, 0.5, 1.0], [NEGATIVE.getRgb(), (255, 255, 255), POSITIVE.getRgb()]
)
TEXT = QColor("#1F2328")
NEAR_PX = 4.0  # a link this close to the pointer is the one hovered
EXPLAIN = (
    "Tiles: neurons, {what}. Links: weights, blue positive, orange negative, thicker when "
    "larger. Hover for the numbers."
)


@dataclass
class Tile:
    """What one neuron's tile shows: values (drawn with the diverging colours) and picture."""

    values: np.ndarray
    pixmap: QPixmap


def coloured(values: np.ndarray, span: tuple[float, float], side: int) -> QPixmap:
    """values (H×W) coloured from span[0] orange through white to span[1] blue, scaled to
    side."""
    lo, hi = span
    scaled = np.clip((values - lo) / ((hi - lo) or 1.0), 0, 1)
    rgb = NEURON_COLOURS.map(scaled.ravel(), mode="float")[:, :3].reshape(*values.shape, 3)
    return array_pixmap(rgb, side)


class NeuronView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot: Snapshot | None = None
        self.layers: list[NeuronLayer] | None = None
        self.columns: list[Column] = []
        self.links: list[list[Link]] = []  # into each column from the one on its left
        self.tiles: dict[tuple[str, int], Tile] = {}
        self.pages: dict[str, int] = {}  # layer name → first neuron shown
        self.class_names: list[str] = []  # the output neurons' names
        self.note = QLabel()
        self.note.setObjectName("explanation")
        self.note.setWordWrap(True)
        self.canvas = NeuronCanvas(self)
        self.hover = QLabel()
        self.hover.setObjectName("explanation")
        self.hover.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.hover)
        self.render_blank()

    def offer_snapshot(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self.offer((self.snapshot, self.layers))

    def offer_probe(self, probe: Probe) -> None:
        if probe.neurons is not None:
            self.layers = probe.neurons
            self.offer((self.snapshot, self.layers))

    def set_class_names(self, names: list[str]) -> None:
        """The data set's classes: the output layer's neurons are named by them (digit 0
        was "Neuron 1")."""
        self.class_names = list(names)
        self.canvas.update()

    def names(self, column: Column) -> list[str]:
        """What each shown tile of column is called beside it: the class names on the output
        layer, nothing elsewhere."""
        last = self.columns[-1] if self.columns else None
        if column is not last or column.name == "input" or len(self.class_names) != column.count:
            return []
        return [self.class_names[i] for i in column.shown]

    def expect(self) -> None:
        """Trained weights are being drawn (the tab opened after the run): say so, not
        "Train the network"."""
        if self.layers is None:
            self.note.setText("Drawing the neurons of the trained network…")

    def render_blank(self) -> None:
        self.snapshot = self.layers = None
        self.columns, self.links, self.tiles = [], [], {}
        self.note.setText("Train the network (or open a trained project) to see its neurons.")
        self.hover.clear()
        self.canvas.update()

    def render(self, value: tuple) -> None:
        snap, layers = value
        if snap is None or layers is None:
            return
        if len(layers) < 2:
            self.note.setText(
                "This network has no dense (Linear) layers at its end to draw as neurons."
            )
            self.columns = []
        else:
            self.arrange()
        self.canvas.update()

    def drawn_layers(self) -> list[NeuronLayer]:
        """The layers drawn as columns: the inputs only when few (2-D data), not pixels."""
        layers = self.layers or []
        return [x for x in layers if x.name != "input" or len(x.mean_output) <= MAX_INPUT_TILES]

    def arrange(self) -> None:
        """Columns, links and tiles for the latest values and the canvas's size."""
        snap, layers = self.snapshot, self.drawn_layers()
        if snap is None or not layers:
            return
        titles = [(x.name, _title(x), len(x.mean_output)) for x in layers]
        self.columns = lay_out(titles, self.pages, self.canvas.width(), self.canvas.height())
        self.links, self.tiles = [], {}
        for k, (column, layer) in enumerate(zip(self.columns, layers, strict=True)):
            weight = snap.weights.get(layer.name)
            left = self.columns[k - 1] if k else None
            fits = weight is not None and left is not None and weight.shape[1] == left.count
            self.links.append(links_between(left, column, weight) if fits else [])
            self._make_tiles(column, layer)
        planes = self.layers[0].planes is not None
        what = (
            "each its output over the plane (orange low, blue high)"
            if planes
            else "each its incoming weights or its mean output"
        )
        self.note.setText(EXPLAIN.format(what=what))

    def _make_tiles(self, column: Column, layer: NeuronLayer) -> None:
        side = int(column.tiles[0].width()) if column.tiles else 1
        pictures = self._pictures(layer)
        for i in column.shown:
            if pictures is None:  # a flat tile: comparable with the layer's other neurons
                values = layer.mean_output[i : i + 1].reshape(1, 1)
                limit = float(np.abs(layer.mean_output).max())
                span = (-limit, limit)
            elif layer.planes is None:  # weights: orange negative, blue positive, in full
                limit = float(np.abs(pictures[i]).max())
                values, span = pictures[i], (-limit, limit)
            else:  # an output over the plane: its pattern in full, orange low to blue high
                values = pictures[i]
                span = (float(values.min()), float(values.max()))
            self.tiles[(layer.name, i)] = Tile(values, coloured(values, span, side))

    def _pictures(self, layer: NeuronLayer) -> np.ndarray | None:
        """(neurons, H, W): outputs over the plane (y up), else incoming weights as images."""
        if layer.planes is not None:
            return layer.planes[:, ::-1, :]
        weight = self.snapshot.weights.get(layer.name) if self.snapshot else None
        inputs = self.layers[0]
        if weight is None or self.drawn_layers()[0] is not layer or inputs is layer:
            return None
        return weight_templates(weight, inputs.shape)

    def turn_page(self, column: Column, forward: bool) -> None:
        step = len(column.tiles)
        first = column.first + (step if forward else -step)
        self.pages[column.name] = int(np.clip(first, 0, max(column.count - step, 0)))
        self.arrange()
        self.canvas.update()

    def describe(self, pos: QPointF) -> str:
        """What the pointer at pos is over, in words with its numbers; '' for nothing."""
        snap = self.snapshot
        for column, layer in zip(self.columns, self.drawn_layers(), strict=False):
            for i, rect in zip(column.shown, column.tiles, strict=True):
                if rect.contains(pos):
                    named = self.names(column)
                    text = _describe_neuron(layer, i, snap)
                    return f"{text} (class {named[i - column.first]})" if named else text
        best, near = None, NEAR_PX
        for k, links in enumerate(self.links):
            for link in links:
                d = distance_to_line(pos, link.line)
                if d <= near:
                    best, near = (k, link), d
        if best is None:
            return ""
        k, link = best
        left, right = self.columns[k - 1], self.columns[k]
        return (
            f"Weight from {_neuron_name(left.name, link.source)} to "
            f"{_neuron_name(right.name, link.target)}: {number(link.weight, signed=True)}"
        )


def _title(layer: NeuronLayer) -> str:
    n = len(layer.mean_output)
    if layer.name == "input":
        return f"inputs\n{n} features"
    return f"{layer.name}\n{layer.activation or 'no activation'} · {n}"


def _neuron_name(layer: str, i: int) -> str:
    return f"input {i + 1}" if layer == "input" else f"neuron {i + 1} of {layer}"


def _describe_neuron(layer: NeuronLayer, i: int, snap: Snapshot | None) -> str:
    mean = f"mean output {number(layer.mean_output[i], signed=True)} on the last batch"
    if layer.name == "input":
        return f"Input {i + 1}: {mean}"
    bias = snap.biases.get(layer.name) if snap else None
    b = f"bias {number(bias[i], signed=True)}" if bias is not None and i < len(bias) else "no bias"
    act = f"activation {layer.activation}" if layer.activation else "no activation"
    return f"Neuron {i + 1} of {layer.name}: {b}, {act}, {mean}"


class NeuronCanvas(QWidget):
    """Paints the view's columns, links and tiles; hovering and the pagers go to the view."""

    def __init__(self, view: NeuronView) -> None:
        super().__init__(view)
        self.view = view
        self.setMouseTracking(True)
        self.setMinimumHeight(130)  # the window fits 1024×700 with a message above the views

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.view.arrange()

    def mouseMoveEvent(self, event) -> None:
        text = self.view.describe(event.position())
        self.view.hover.setText(text)
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event) -> None:
        pos = event.position()
        for column in self.view.columns:
            for rect, forward in ((column.back, False), (column.forward, True)):
                if rect is not None and rect.contains(pos):
                    self.view.turn_page(column, forward)
                    return

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), Qt.GlobalColor.white)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        snap = self.view.snapshot
        for links, column in zip(self.view.links, self.view.columns, strict=False):
            weight = snap.weights.get(column.name) if snap else None
            strongest = float(np.abs(weight).max()) if weight is not None and weight.size else 1
            for link in sorted(links, key=lambda x: abs(x.weight)):
                self._draw_link(p, link, abs(link.weight) / (strongest or 1))
        columns = self.view.columns
        centres = [c.centre for c in columns if c.tiles]
        width = min(np.diff(centres).min() - 6, 130) if len(centres) > 1 else 130
        for column in columns:
            self._draw_column(p, column, width)
        p.end()

    def _draw_link(self, p: QPainter, link: Link, strength: float) -> None:
        colour = QColor(POSITIVE if link.weight >= 0 else NEGATIVE)
        colour.setAlpha(int(50 + 205 * strength))
        p.setPen(QPen(colour, 0.5 + 4.5 * strength))
        p.drawLine(*link.line)

    def _draw_column(self, p: QPainter, column: Column, width: float) -> None:
        """The column's title (kept inside the canvas, shortened to width), pager and tiles."""
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        p.setPen(TEXT)
        metrics = QFontMetrics(font)
        left = float(np.clip(column.centre - width / 2, 2, self.width() - width - 2))
        for row, line in enumerate(column.title.split("\n")):
            text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(width))
            rect = QRectF(left, 2 + row * 16, width, 16)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        if column.back is not None:
            last = column.first + len(column.tiles)
            pager = QRectF(column.back.right(), column.back.top(), 68, column.back.height())
            p.drawText(pager, Qt.AlignmentFlag.AlignCenter, f"{column.first + 1}–{last}")
            p.drawText(column.back, Qt.AlignmentFlag.AlignCenter, "◀")
            p.drawText(column.forward, Qt.AlignmentFlag.AlignCenter, "▶")
        for i, rect in zip(column.shown, column.tiles, strict=True):
            tile = self.view.tiles.get((column.name, i))
            if tile is not None:
                p.drawPixmap(rect.toRect(), tile.pixmap)
            p.setPen(QPen(QColor("#8C959F"), 1))
            p.drawRect(rect)
        right = max((r.right() for r in column.tiles), default=0)
        room = int(self.width() - right - 6)
        p.setPen(TEXT)
        for name, rect in zip(self.view.names(column), column.tiles, strict=False):
            if rect.right() < right:  # a wrapped column: its names would cover the tiles
                continue
            label = QRectF(rect.right() + 4, rect.top(), room, rect.height())
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, room)
            p.drawText(label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
