"""One array shown as a person reads it: a table of numbers when small, a heatmap when large."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.mosaic import mosaic
from playground.core.numbers import number, scaled
from playground.ui.widgets.plots import DIVERGING, plot_widget

MAX_TABLE_VALUES = 64  # up to this many values are written out; more are a heatmap


def as_image(a: np.ndarray) -> np.ndarray:
    """A 2-D picture of any array: a vector wrapped into a near-square grid, channels (C×H×W)
    side by side, kernels (out×in×k×k) one row per filter."""
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        side = math.ceil(math.sqrt(len(a)))
        out = np.full(side * math.ceil(len(a) / side), np.nan, dtype=np.float32)
        out[: len(a)] = a
        return out.reshape(-1, side)
    if a.ndim == 3:
        return mosaic(list(a), columns=math.ceil(math.sqrt(len(a))))
    return a.reshape(a.shape[0], -1)


def as_table(a: np.ndarray) -> np.ndarray:
    """Rows and columns for a table: a vector is one column."""
    return a.reshape(-1, 1) if a.ndim <= 1 else a.reshape(-1, a.shape[-1])


class ArrayPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)  # a long name must not widen the window
        self.table = QTableWidget()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.plot = plot_widget()
        self.plot.invertY(True)
        for w in (self.table, self.plot):  # three panels side by side share a narrow view
            w.setMinimumWidth(60)
            w.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.heatmap = pg.ImageItem()
        self.heatmap.setColorMap(DIVERGING)
        self.plot.addItem(self.heatmap)
        self.heatmap.hoverEvent = self._hover
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.plot)
        self.range = QLabel()
        self.range.setObjectName("explanation")
        self.range.setWordWrap(True)
        self._range_text = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.range)

    def show_array(self, title: str, a: np.ndarray, row_names: list[str] | None = None) -> None:
        """row_names label a vector's rows (class names for probabilities)."""
        a = np.asarray(a, dtype=np.float32)
        shape = "×".join(map(str, a.shape)) or "1"
        finite = a[np.isfinite(a)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        self._range_text = f"from {number(low)} to {number(high)}"
        self.range.setText(self._range_text)
        if a.size <= MAX_TABLE_VALUES:
            values, scale = scaled(a)  # tiny gradients: the scale said once, in the title
            self.title.setText(f"{title}  ({shape}{', values ' + scale if scale else ''})")
            self._fill_table(as_table(values), row_names if a.ndim == 1 else None)
            self.stack.setCurrentWidget(self.table)
        else:
            self.title.setText(f"{title}  ({shape})")
            limit = max(abs(low), abs(high)) or 1.0
            # pictures (feature maps, a wrapped vector) keep square pixels; a matrix fills
            self.plot.setAspectLocked(a.ndim in (1, 3))
            self.heatmap.setImage(as_image(a), autoLevels=False, levels=(-limit, limit))
            self.range.setText(f"{self._range_text}; hover to read a value")
            self.plot.autoRange()
            self.stack.setCurrentWidget(self.plot)

    def _fill_table(self, m: np.ndarray, row_names: list[str] | None) -> None:
        self.table.clear()
        self.table.setRowCount(m.shape[0])
        self.table.setColumnCount(m.shape[1])
        # indices from 0, as the heatmaps and the weights view count neurons
        self.table.setHorizontalHeaderLabels([str(c) for c in range(m.shape[1])])
        self.table.setVerticalHeaderLabels([str(r) for r in range(m.shape[0])])
        self.table.horizontalHeader().setVisible(m.shape[1] > 1)
        for r in range(m.shape[0]):
            for c in range(m.shape[1]):
                self.table.setItem(r, c, QTableWidgetItem(number(m[r, c], 4)))
        if row_names is not None and len(row_names) == m.shape[0]:
            self.table.setVerticalHeaderLabels(row_names)

    def _hover(self, event) -> None:
        image = self.heatmap.image
        if event.isExit() or image is None:
            self.range.setText(self._range_text)
            return
        row, col = int(event.pos().y()), int(event.pos().x())
        if 0 <= row < image.shape[0] and 0 <= col < image.shape[1]:
            value = number(image[row, col], 4, signed=True)
            self.range.setText(f"row {row}, column {col}: {value}")

    def cell_texts(self) -> list[list[str]]:
        """The table's numbers as shown."""
        t = self.table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]
