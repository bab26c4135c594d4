"""Confusion matrix on the validation set with each class's precision, recall and F1; a click on
a cell lists the examples behind it. For a regression: predicted against true, and the
residuals."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.inspect.scores import class_scores
from playground.core.numbers import number
from playground.core.training.events import Evaluation
from playground.ui.views.residuals import ResidualPlots
from playground.ui.widgets.images import array_pixmap
from playground.ui.widgets.live_view import LiveView

MAX_LISTED = 200
SCORES = ("precision", "recall", "F1")


class ConfusionView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self.show_cell)
        self.examples = QListWidget()
        self.examples.setIconSize(QSize(48, 48))
        self.title = QLabel(
            "Rows: true class, columns: predicted. Click a cell to see its examples."
        )
        self.title.setObjectName("explanation")
        self.title.setWordWrap(True)
        self.scores = QTableWidget(0, len(SCORES))
        self.scores.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.scores.setHorizontalHeaderLabels(list(SCORES))
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.scores.setToolTip(
            "Precision: of the samples predicted as this class, the share that are. Recall: "
            "of this class's samples, the share found. F1: the two's harmonic mean."
        )
        beside = QSplitter(Qt.Orientation.Horizontal)
        beside.addWidget(self.table)
        beside.addWidget(self.scores)
        beside.setSizes([500, 260])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(beside)
        split.addWidget(self.examples)
        split.setSizes([400, 200])
        self.residuals = ResidualPlots()
        pages = QWidget()
        self.pages = QStackedLayout(pages)
        self.pages.addWidget(split)
        self.pages.addWidget(self.residuals)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(pages, 1)
        self.regression = False
        self.matrix: np.ndarray | None = None
        self.class_names: list[str] = []
        self.truth: np.ndarray | None = None
        self.pictures: np.ndarray | None = None
        self.points: np.ndarray | None = None

    def set_data(
        self,
        class_names: list[str],
        truth: np.ndarray,
        pictures: np.ndarray | None,
        points: np.ndarray | None,
        regression: bool = False,
    ) -> None:
        """Validation labels (a regression's true numbers), and the raw images (N×C×H×W in
        [0, 1]) or points to list."""
        self.class_names, self.truth = class_names, truth
        self.pictures, self.points = pictures, points
        self.regression = regression
        self.pages.setCurrentIndex(1 if regression else 0)
        self.render_blank()

    def render_blank(self) -> None:
        self.matrix = None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.scores.setRowCount(0)
        self.examples.clear()
        self.residuals.clear()
        self.title.setText(
            "Train the network to see how far its numbers are from the true ones."
            if self.regression
            else "Train the network to see which classes it confuses. Rows: true class, "
            "columns: predicted."
        )

    def render(self, ev: Evaluation) -> None:
        if self.truth is None or len(ev.predicted) != len(self.truth):
            return
        if self.regression:
            self.title.setText(f"Epoch {ev.epoch}: {self.residuals.draw(ev.predicted, self.truth)}")
            return
        n = len(self.class_names)
        self.matrix = ev.confusion(self.truth, n)
        if self.table.rowCount() != n or self.table.item(0, 0) is None:
            self._make_cells(n)
        peak = max(1, int(self.matrix.max()))
        self.table.setUpdatesEnabled(False)  # one repaint for all cells, not one per cell
        for r in range(n):
            for c in range(n):
                count = int(self.matrix[r, c])
                item = self.table.item(r, c)
                item.setText(str(count))
                base = QColor("#3B73B9") if r == c else QColor("#C62828")
                base.setAlphaF(0.08 + 0.8 * count / peak if count else 0.0)
                item.setBackground(QBrush(base))
        self.table.setUpdatesEnabled(True)
        self._show_scores()
        self.title.setText(
            f"Epoch {ev.epoch}: {int(np.trace(self.matrix))} of "
            f"{len(self.truth)} right. Rows: true class, columns: predicted. "
            "Click a cell to see its examples."
        )

    def _show_scores(self) -> None:
        """Each class's precision, recall and F1, a row per class beside the matrix."""
        columns = class_scores(self.matrix)
        self.scores.setRowCount(len(self.class_names))
        self.scores.setVerticalHeaderLabels(self.class_names)
        for c, values in enumerate(columns):
            for r, value in enumerate(values):
                item = QTableWidgetItem(f"{value:.2f}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.scores.setItem(r, c, item)

    def _make_cells(self, n: int) -> None:
        """An n×n table of centred cells headed by the class names."""
        self.table.setRowCount(n)
        self.table.setColumnCount(n)
        self.table.setHorizontalHeaderLabels([f"→ {c}" for c in self.class_names])
        self.table.setVerticalHeaderLabels(self.class_names)
        for r in range(n):
            for c in range(n):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)

    def examples_in(self, row: int, col: int) -> np.ndarray:
        """Indices of the validation samples of true class row predicted as col."""
        ev = self.latest
        return np.nonzero((self.truth == row) & (ev.predicted == col))[0]

    def show_cell(self, row: int, col: int) -> None:
        self.examples.clear()
        ev = self.latest
        if ev is None:
            return
        for i in self.examples_in(row, col)[:MAX_LISTED]:
            p = ev.probabilities[i]
            text = (
                f"#{i}: true {self.class_names[row]}, predicted {self.class_names[col]} "
                f"({p[col]:.0%}; true class {p[row]:.0%})"
            )
            item = QListWidgetItem(text)
            if self.pictures is not None:
                pic = self.pictures[i]
                pic = pic[0] if pic.shape[0] == 1 else pic.transpose(1, 2, 0)
                item.setIcon(QIcon(array_pixmap(pic, 48)))
            elif self.points is not None:
                x, y = (number(v) for v in self.points[i])
                item.setText(f"{text} at ({x}, {y})")
            self.examples.addItem(item)
