"""A pad to draw a digit with the mouse: dark ink on white paper."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

SIDE = 150  # beside two pictures as wide, in a 1024-pixel-wide window
PEN_WIDTH = 12


class DrawPad(QWidget):
    drawn = Signal(object)  # PIL image, when a stroke ends

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(QSize(SIDE, SIDE))
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit here with the mouse")
        self.canvas = QImage(SIDE, SIDE, QImage.Format.Format_Grayscale8)
        self.clear()
        self._last: QPoint | None = None

    def clear(self) -> None:
        self.canvas.fill(QColor("white"))
        self.update()

    def image(self) -> Image.Image:
        ptr = self.canvas.constBits()
        a = np.frombuffer(ptr, np.uint8).reshape(SIDE, self.canvas.bytesPerLine())[:, :SIDE]
        return Image.fromarray(a.copy(), "L")

    def mousePressEvent(self, event) -> None:
        self._last = event.position().toPoint()
        self._stroke(self._last)

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:
            self._stroke(event.position().toPoint())

    def mouseReleaseEvent(self, event) -> None:
        self._last = None
        self.drawn.emit(self.image())

    def _stroke(self, to: QPoint) -> None:
        p = QPainter(self.canvas)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(
            QPen(
                QColor("black"),
                PEN_WIDTH,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        p.drawLine(self._last, to)
        p.end()
        self._last = to
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.drawImage(0, 0, self.canvas)
        p.setPen(QColor("#C9D1D9"))
        p.drawRect(0, 0, SIDE - 1, SIDE - 1)
        p.end()
