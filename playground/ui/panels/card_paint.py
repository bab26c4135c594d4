"""A layer card as a person reads it, and how it is painted: shared by the stack and the
graph canvas so that a chain looks the same in both."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen

from playground.core.model.layers import layer_type, shape_text
from playground.core.model.shapes import LayerInfo
from playground.ui.widgets.style import (
    ERROR,
    ERROR_BG,
    GROUP_COLOURS,
    MUTED,
    SELECTION,
    TEXT,
    layer_icon,
)

CARD_H, ICON = 54, 26


@dataclass
class Card:
    """What one card shows: painted as is, and read back by tests as a person would read it."""

    index: int  # -1 for the input card
    type_name: str
    title: str
    detail: str
    shape: str
    params: str
    error: str
    group: str
    rect: QRect


def shape_and_count(info: LayerInfo) -> tuple[str, str]:
    """The card's "→ shape" and its parameter count, as written on it."""
    if not info.output_shape:
        return "→ ?", ""
    count = f"{info.param_count:,} params" if info.param_count else "no weights"
    return f"→ {shape_text(info.output_shape)}", count


def card_height(font: QFont, width: int, error: str) -> int:
    """A card's height: taller by the lines of its error text."""
    if not error:
        return CARD_H
    text = QFontMetrics(font).boundingRect(
        QRect(0, 0, width - ICON - 40, 1000), Qt.TextFlag.TextWordWrap, error
    )
    return CARD_H + text.height() + 6


def paint_card(p: QPainter, c: Card, selected: bool, font: QFont, compact: bool = False) -> None:
    """The card: a coloured strip for its group, its icon, title and shape, detail and count,
    and its error in red below."""
    border = ERROR if c.error else (SELECTION if selected else QColor("#D0D7DE"))
    p.setPen(QPen(border, 2 if (selected or c.error) else 1))
    p.setBrush(ERROR_BG if c.error else QColor("#FFFFFF"))
    p.drawRoundedRect(QRectF(c.rect).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
    strip = QRectF(c.rect.left() + 1, c.rect.top() + 1, 5, c.rect.height() - 2)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(GROUP_COLOURS[c.group])
    p.drawRoundedRect(strip, 2, 2)
    icon_y = c.rect.top() + (CARD_H - ICON) // 2
    if c.index >= 0 and c.type_name:
        icon = layer_icon(c.type_name, c.group, ICON)
        p.drawPixmap(c.rect.left() + 14, icon_y, icon.pixmap(ICON, ICON))
    left = c.rect.left() + 14 + ICON + 10
    top_row = QRect(left, c.rect.top() + 8, c.rect.width() - ICON - 40, 20)
    bottom_row = top_row.translated(0, 20)
    # compact (a narrow canvas lane): the title has the top row to itself, the shape goes
    # below it beside the count, and the detail is left to the tooltip
    shape_row, detail = (bottom_row, "") if compact else (top_row, c.detail)
    bold = QFont(font)
    bold.setBold(True)
    p.setFont(bold)
    p.setPen(TEXT)
    room = top_row.width() - (0 if compact else p.fontMetrics().horizontalAdvance(c.shape) + 8)
    title = p.fontMetrics().elidedText(c.title, Qt.TextElideMode.ElideRight, room)
    p.drawText(top_row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    if compact:
        p.setFont(font)
    align = Qt.AlignmentFlag.AlignLeft if compact else Qt.AlignmentFlag.AlignRight
    p.drawText(shape_row, align | Qt.AlignmentFlag.AlignVCenter, c.shape)
    p.setFont(font)
    p.setPen(MUTED)
    params, fm = c.params, p.fontMetrics()
    if compact and fm.horizontalAdvance(f"{c.shape}  {params}") > bottom_row.width():
        params = params.replace(" params", "")  # the number beside the shape, as it fits
    room = bottom_row.width() - (fm.horizontalAdvance(params) + 8 if params else 0)
    detail = p.fontMetrics().elidedText(detail, Qt.TextElideMode.ElideRight, room)
    p.drawText(bottom_row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail)
    p.drawText(bottom_row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, params)
    if c.error:
        p.setPen(ERROR)
        r = QRect(left, c.rect.top() + CARD_H - 6, top_row.width(), c.rect.height() - CARD_H)
        p.drawText(r, Qt.TextFlag.TextWordWrap, c.error)


def layer_tooltip(type_name: str, error: str) -> str:
    """A card's tooltip: its problem first, then what the layer does."""
    tip = layer_type(type_name).explanation
    return f"{error}\n\n{tip}" if error else tip
