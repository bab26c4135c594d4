"""What the graph canvas draws: cards with ports, wires, and the frame of an opened block."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem

from playground.ui.panels.card_paint import Card, paint_card
from playground.ui.panels.graph_layout import Unit, Wire
from playground.ui.widgets.style import MUTED, SELECTION

PORT_R = 6  # a port's radius
WIRE = QColor("#8C959F")


class CardItem(QGraphicsItem):
    """One unit's card: its ports are the input slots on top (in1, in2… on a merge, one free
    slot more than it has) and the output at the bottom."""

    def __init__(self, unit: Unit, card: Card, input_slots: int, font: QFont) -> None:
        super().__init__()
        self.unit, self.card, self.input_slots, self.font = unit, card, input_slots, font
        self.numbered = input_slots > 1
        self.hint_slot: int | None = None  # the input a wire being drawn would land on
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        tip = f"{card.title}: {card.detail}" if card.detail else card.title
        self.setToolTip(f"{tip}\n{card.error}" if card.error else tip)

    @property
    def rect(self) -> QRectF:
        return QRectF(self.card.rect)

    def boundingRect(self) -> QRectF:
        grow = PORT_R + 1 + (14 if self.numbered else 0)
        return self.rect.adjusted(-2, -grow, 2, PORT_R + 2)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.unit.folded:  # a second card edge behind: several layers in one
            p.setPen(QPen(QColor("#D0D7DE"), 1))
            p.setBrush(QColor("#F3F4F6"))
            p.drawRoundedRect(self.rect.translated(4, 4), 8, 8)
        paint_card(p, self.card, self.isSelected(), self.font, compact=True)
        p.setPen(QPen(MUTED, 1))
        p.setBrush(QColor("#FFFFFF"))
        small = QFont(self.font)
        small.setPointSizeF(max(6.0, self.font.pointSizeF() * 0.8))
        for slot in range(self.input_slots):
            centre = self.mapFromScene(self.input_port(slot))
            p.drawEllipse(centre, PORT_R - 1, PORT_R - 1)
            if self.numbered:
                p.setFont(small)
                label = QRectF(centre.x() - 20, centre.y() - PORT_R - 14, 40, 12)
                p.drawText(label, Qt.AlignmentFlag.AlignCenter, f"in{slot + 1}")
        p.setBrush(MUTED)
        p.drawEllipse(self.mapFromScene(self.output_port()), PORT_R - 1, PORT_R - 1)
        if self.hint_slot is not None:
            p.setPen(QPen(SELECTION, 3))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(
                self.mapFromScene(self.input_port(self.hint_slot)), PORT_R + 2, PORT_R + 2
            )

    def input_port(self, slot: int) -> QPointF:
        """Where input slot's port is, in scene coordinates."""
        r = self.rect
        x = r.left() + r.width() * (slot + 1) / (self.input_slots + 1)
        return self.mapToScene(QPointF(x, r.top()))

    def output_port(self) -> QPointF:
        r = self.rect
        return self.mapToScene(QPointF(r.center().x(), r.bottom()))

    def port_at(self, scene_pos: QPointF) -> tuple[str, int] | None:
        """("out", 0) or ("in", slot) for the port under scene_pos (a finger's width around it)."""
        reach = (PORT_R + 5) ** 2

        def near(point: QPointF) -> bool:
            d = point - scene_pos
            return d.x() ** 2 + d.y() ** 2 <= reach

        if near(self.output_port()):
            return ("out", 0)
        for slot in range(self.input_slots):
            if near(self.input_port(slot)):
                return ("in", slot)
        return None

    def nearest_slot(self, scene_pos: QPointF) -> int:
        """The input slot closest to scene_pos: a wire dropped anywhere on a card lands there."""
        if not self.input_slots:
            return 0
        return min(
            range(self.input_slots), key=lambda s: abs(self.input_port(s).x() - scene_pos.x())
        )


class WireItem(QGraphicsPathItem):
    """A wire from a card's output to another's input; selectable, Delete removes it."""

    def __init__(self, wire: Wire, start: QPointF, end: QPointF, detour: float) -> None:
        super().__init__(wire_path(start, end, detour))
        self.wire = wire
        self.hovered = False  # a palette layer held over it: dropping inserts it here
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(-1)
        self.setToolTip(f"{wire.source_node} → {wire.target_node}: click and Delete to remove")

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(12)  # easy to hit with the mouse
        return stroker.createStroke(self.path())

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        active = self.isSelected() or self.hovered
        pen = QPen(SELECTION if active else WIRE, 3 if active else 2)
        if self.hovered:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(self.path())
        end = self.path().pointAtPercent(1.0)
        p.setBrush(pen.color())
        p.drawPolygon([end, end + QPointF(-5, -8), end + QPointF(5, -8)])

    def middle(self) -> QPointF:
        return self.path().pointAtPercent(0.5)


def wire_path(start: QPointF, end: QPointF, detour: float) -> QPainterPath:
    """A curve from an output down to an input; detour > 0 swings it right, around the cards
    between them (a shortcut past a card on the same lane)."""
    path = QPainterPath(start)
    bend = max(24.0, (end.y() - start.y()) / 2)
    if detour:
        path.cubicTo(start + QPointF(detour, 10), end + QPointF(detour, -10), end)
    else:
        path.cubicTo(start + QPointF(0, bend), end - QPointF(0, bend), end)
    return path


class BlockFrame(QGraphicsItem):
    """The outline of an opened block around its cards, its name on top: double-click the name
    to fold it again."""

    HEADER = 20

    def __init__(self, name: str, area: QRectF, font: QFont) -> None:
        super().__init__()
        self.name, self.area, self.font = name, area, font
        self.setZValue(-2)
        self.setToolTip(f"Block {name}: double-click its name to fold it into one card")

    def boundingRect(self) -> QRectF:
        return self.area

    def header(self) -> QRectF:
        return QRectF(self.area.left(), self.area.top(), self.area.width(), self.HEADER)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor("#7E57C2"), 1, Qt.PenStyle.DashLine))
        p.setBrush(QColor(126, 87, 194, 18))
        p.drawRoundedRect(self.area, 10, 10)
        p.setPen(QColor("#5E35B1"))
        p.setFont(self.font)
        text = QRect(self.header().toRect()).adjusted(10, 2, -10, 0)
        p.drawText(
            text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"▾ {self.name}"
        )
