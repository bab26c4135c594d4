"""Horizontal probability bars: '86 %  stop sign'; a click on a bar chooses its class."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui.widgets.style import MUTED, TEXT

ROW_H, LABEL_W, PERCENT_W = 30, 110, 56
TOP_COLOUR, OTHER_COLOUR = QColor("#3B73B9"), QColor("#A9C1E0")


class ProbabilityBars(QWidget):
    rowClicked = Signal(int)  # the row of the bar clicked (0: the top class)

    def __init__(self, parent: QWidget | None = None, selectable: bool = True) -> None:
        """selectable: a click on a bar chooses its class (framed); else bars only show."""
        super().__init__(parent)
        self.rows: list[tuple[str, float]] = []
        self.selectable = selectable
        self.selected = -1  # the row drawn framed (the class being explained)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        if selectable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_rows(self, rows: list[tuple[str, float]]) -> None:
        self.rows = list(rows)
        self.selected = 0 if self.rows and self.selectable else -1
        self.updateGeometry()
        self.update()

    def row_at(self, y: float) -> int:
        """The row drawn at height y, or -1."""
        row = int((y - 4) // ROW_H)
        return row if 0 <= row < len(self.rows) and y >= 4 else -1

    def mousePressEvent(self, event) -> None:
        row = self.row_at(event.position().y())
        if row >= 0 and self.selectable:
            self.selected = row
            self.update()
            self.rowClicked.emit(row)

    def row_texts(self) -> list[str]:
        """Each bar's text as drawn: '86 % 7'."""
        return [f"{p:.0%}".replace("%", " %") + f" {name}" for name, p in self.rows]

    def sizeHint(self) -> QSize:
        return QSize(320, max(1, len(self.rows)) * ROW_H + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar_w = max(10, self.width() - LABEL_W - PERCENT_W - 16)
        for i, (text, (name, prob)) in enumerate(zip(self.row_texts(), self.rows, strict=True)):
            y = 4 + i * ROW_H
            if i == self.selected and len(self.rows) > 1:
                p.setPen(TOP_COLOUR)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(QRectF(0.5, y - 1.5, self.width() - 1, ROW_H - 3), 5, 5)
            p.setPen(TEXT)
            label = p.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, LABEL_W - 8)
            p.drawText(
                QRectF(0, y, LABEL_W - 8, ROW_H - 6),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#EEF1F4"))
            p.drawRoundedRect(QRectF(LABEL_W, y + 3, bar_w, ROW_H - 12), 4, 4)
            p.setBrush(TOP_COLOUR if i == 0 else OTHER_COLOUR)
            p.drawRoundedRect(QRectF(LABEL_W, y + 3, max(2.0, bar_w * prob), ROW_H - 12), 4, 4)
            p.setPen(TEXT if i == 0 else MUTED)
            p.drawText(
                QRectF(LABEL_W + bar_w + 8, y, PERCENT_W, ROW_H - 6),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text.split(" ", 2)[0] + " %",
            )
        p.end()
