"""Colours and small drawing helpers shared by the views."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

GROUP_COLOURS = {
    "input": QColor("#5B6770"),
    "layers": QColor("#3B73B9"),
    "convolution": QColor("#8A5CC7"),
    "activations": QColor("#E07B22"),
    "regularisation": QColor("#3E9B5B"),
    "pretrained": QColor("#B0306A"),
    "merge": QColor("#00897B"),  # where a graph's branches meet
}
GROUP_TITLES = {
    "layers": "Layers",
    "convolution": "Convolution",
    "activations": "Activations",
    "regularisation": "Regularisation",
    "pretrained": "Pretrained",
    "merge": "Merges",
}
ERROR = QColor("#C62828")
ERROR_BG = QColor("#FDECEA")
SELECTION = QColor("#1E88E5")
TEXT = QColor("#1F2328")
MUTED = QColor("#5F6B76")

_ABBREVIATIONS = {
    "Linear": "FC",
    "Flatten": "⇊",
    "Conv2d": "Cv",
    "MaxPool2d": "Mx",
    "AvgPool2d": "Av",
    "BatchNorm1d": "BN",
    "BatchNorm2d": "BN",
    "Dropout": "Dr",
    "EfficientNet-Lite0": "EN",
}
_CURVES = {
    "ReLU": lambda x: max(0.0, x),
    "LeakyReLU": lambda x: x if x > 0 else 0.15 * x,
    "Sigmoid": lambda x: 1 / (1 + math.exp(-3 * x)),
    "Tanh": lambda x: math.tanh(2 * x),
    "GELU": lambda x: x * 0.5 * (1 + math.erf(x / math.sqrt(2))),
    "Softmax": lambda x: math.exp(2 * x) / (1 + math.exp(2 * x)),
}


def layer_icon(type_name: str, group: str, size: int = 32) -> QIcon:
    """A rounded tile in the group's colour with the activation's curve or an abbreviation."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(GROUP_COLOURS.get(group, MUTED))
    p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 6, 6)
    p.setPen(QPen(QColor("white"), 2))
    if type_name in _CURVES:
        _draw_curve(p, _CURVES[type_name], size)
    else:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.42))
        p.setFont(font)
        p.drawText(
            QRectF(0, 0, size, size),
            Qt.AlignmentFlag.AlignCenter,
            _ABBREVIATIONS.get(type_name, type_name[:2]),
        )
    p.end()
    return QIcon(pix)


def _draw_curve(p: QPainter, f, size: int) -> None:
    path = QPainterPath()
    margin = size * 0.2
    span = size - 2 * margin
    values = [f(-1 + 2 * i / 40) for i in range(41)]
    lo, hi = min(values), max(values)
    for i, v in enumerate(values):
        x = margin + span * i / 40
        y = margin + span * (1 - (v - lo) / ((hi - lo) or 1))
        (path.lineTo if i else path.moveTo)(QPointF(x, y))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
