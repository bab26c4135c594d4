"""The network stack: a card per layer; drop layers in, drag to reorder, Delete to remove."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from playground.core.model.layers import layer_type, shape_text
from playground.core.model.shapes import LayerInfo
from playground.ui.panels.card_paint import (
    CARD_H,
    Card,
    card_height,
    layer_tooltip,
    paint_card,
    shape_and_count,
)
from playground.ui.panels.palette import LAYER_MIME
from playground.ui.state.document import NetworkDocument
from playground.ui.widgets.style import (
    ERROR,
    MUTED,
    SELECTION,
    TEXT,
)

MOVE_MIME = "application/x-playground-move"
MARGIN, GAP = 12, 10
BANNER_H = 40  # two lines where the panel is narrow


MIN_WIDTH = 270  # a card's title, shape and parameter count side by side


class NetworkStackView(QWidget):
    selectionChanged = Signal(int)  # layer index, -1 for none

    def __init__(self, document: NetworkDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.dataset_label = ""
        self.selected = -1
        self.cards: list[Card] = []
        self.footer = ""
        self._drop_index: int | None = None
        self._press: QPoint | None = None
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(MIN_WIDTH)
        self.setObjectName("networkStack")
        document.changed.connect(self._rebuild)
        document.lockedChanged.connect(lambda _: self._rebuild())
        self._rebuild()

    # --- content ---------------------------------------------------------------------
    def set_dataset_label(self, text: str) -> None:
        self.dataset_label = text
        self._rebuild()

    def select(self, index: int) -> None:
        index = index if 0 <= index < len(self.doc.spec.layers) else -1
        if index != self.selected:
            self.selected = index
            self.selectionChanged.emit(index)
        self.update()

    def _rebuild(self) -> None:
        if self.selected >= len(self.doc.spec.layers):
            self.select(len(self.doc.spec.layers) - 1)
        width = max(self.width(), self.minimumWidth()) - 2 * MARGIN
        y = MARGIN + (BANNER_H + GAP if self._banner() else 0)
        self.cards = []
        report = self.doc.report
        input_text = shape_text(self.doc.spec.input_shape)
        card = Card(
            -1,
            "Input",
            "Input",
            self.dataset_label,
            input_text,
            "",
            "",
            "input",
            QRect(MARGIN, y, width, CARD_H),
        )
        self.cards.append(card)
        y += CARD_H + GAP
        for info, layer in zip(report.layers, self.doc.spec.layers, strict=True):
            card = self._layer_card(info, layer.params, width, y)
            self.cards.append(card)
            y = card.rect.bottom() + 1 + GAP
        verdict = "✓ ready to train" if report.ok else "✗ fix the red card"
        self.footer = f"Total: {report.total_params:,} parameters   ·   {verdict}"
        self.setFixedHeight(y + 40 + MARGIN)
        self.update()

    def _layer_card(self, info: LayerInfo, params: dict, width: int, y: int) -> Card:
        t = layer_type(info.type)
        shape, count = shape_and_count(info)
        error = info.error or ""
        title, detail = f"{info.index + 1}  {info.type}", t.summary(params)
        if info.id:  # a graph's node: its name, and where its inputs come from
            inputs = ", ".join(self.doc.spec.layers[info.index].inputs)
            title, detail = f"{info.id}  {info.type}", f"← {inputs}   {detail}".rstrip()
        height = card_height(self.font(), width, error)
        return Card(
            info.index,
            info.type,
            title,
            detail,
            shape,
            count,
            error,
            t.group,
            QRect(MARGIN, y, width, height),
        )

    def card_text(self, index: int) -> str:
        """Everything written on a layer's card, as one line."""
        c = self.cards[index + 1]
        return "  ".join(s for s in (c.title, c.detail, c.shape, c.params, c.error) if s)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rebuild()

    # --- painting --------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._banner():
            self._paint_banner(p)
        for card in self.cards:
            self._paint_card(p, card)
        if not self.doc.spec.layers:
            p.setPen(MUTED)
            r = QRect(MARGIN, self.cards[0].rect.bottom() + GAP, self.width() - 2 * MARGIN, 60)
            p.drawText(
                r, Qt.AlignmentFlag.AlignCenter, "Drag layers here from the palette on the left"
            )
        self._paint_footer(p)
        if self._drop_index is not None:
            self._paint_drop_indicator(p)
        p.end()

    def _paint_banner(self, p: QPainter) -> None:
        r = QRect(MARGIN, MARGIN, self.width() - 2 * MARGIN, BANNER_H)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#FFF4E5"))
        p.drawRoundedRect(r, 6, 6)
        p.setPen(QColor("#8A4B00"))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._banner())

    def _banner(self) -> str:
        """Why cards cannot be added, removed or moved now; empty when they can."""
        if self.doc.locked:
            return "Locked while training: stop it to edit"
        if self.doc.spec.is_graph:
            return "A graph: edit it on the canvas"  # the Network panel shows the canvas then
        return ""

    def _paint_card(self, p: QPainter, c: Card) -> None:
        paint_card(p, c, c.index == self.selected and c.index >= 0, self.font())

    def _paint_footer(self, p: QPainter) -> None:
        last = self.cards[-1].rect
        top = last.bottom() + GAP + (60 if not self.doc.spec.layers else 0)
        r = QRect(MARGIN, top, self.width() - 2 * MARGIN, 40)
        p.setPen(ERROR if not self.doc.report.ok else TEXT)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.footer)

    def _paint_drop_indicator(self, p: QPainter) -> None:
        y = self._drop_y(self._drop_index)
        p.setPen(QPen(SELECTION, 3))
        p.drawLine(MARGIN + 6, y, self.width() - MARGIN - 6, y)
        p.setBrush(SELECTION)
        p.drawEllipse(QPoint(MARGIN + 6, y), 4, 4)
        p.drawEllipse(QPoint(self.width() - MARGIN - 6, y), 4, 4)

    def _drop_y(self, index: int) -> int:
        """The middle of the gap above layer index (or below the last card)."""
        if index >= len(self.doc.spec.layers):
            return self.cards[-1].rect.bottom() + GAP // 2
        return self.cards[index + 1].rect.top() - GAP // 2

    # --- mouse and keys ---------------------------------------------------------------
    def card_at(self, pos: QPoint) -> int | None:
        """Layer index under pos, -1 for the input card, None for empty space."""
        for c in self.cards:
            if c.rect.contains(pos):
                return c.index
        return None

    @property
    def drop_indicator(self) -> int | None:
        """The layer index the drop indicator is drawn above, while a drag hovers."""
        return self._drop_index

    def card_rect(self, index: int) -> QRect:
        return self.cards[index + 1].rect

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self.card_at(event.position().toPoint())
            self.select(-1 if hit is None else hit)
            self._press = event.position().toPoint() if hit is not None and hit >= 0 else None
        self.setFocus()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        distance = (event.position().toPoint() - self._press).manhattanLength()
        if distance < QApplication.startDragDistance() or self._banner():
            return
        self._press = None
        mime = QMimeData()
        mime.setData(MOVE_MIME, QByteArray(str(self.selected).encode()))
        drag = QDrag(self)
        drag.setMimeData(mime)
        card = self.card_rect(self.selected)
        drag.setPixmap(self.grab(card))
        drag.setHotSpot(event.position().toPoint() - card.topLeft())
        drag.exec(Qt.DropAction.MoveAction)

    def mouseReleaseEvent(self, event) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected >= 0:
            if not self._banner():
                index = self.selected
                self.doc.remove_layer(index)
                self.select(min(index, len(self.doc.spec.layers) - 1))
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.doc.spec.layers:
            step = -1 if key == Qt.Key.Key_Up else 1
            self.select(max(0, min(len(self.doc.spec.layers) - 1, self.selected + step)))
            return
        super().keyPressEvent(event)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            index = self.card_at(event.pos())
            if index is not None and index >= 0:
                c = self.cards[index + 1]
                tip = layer_tooltip(self.doc.spec.layers[index].type, c.error)
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    # --- drops -----------------------------------------------------------------------
    def drop_index_at(self, y: float) -> int:
        """Where a layer dropped at height y lands: before the first card whose middle is lower."""
        for c in self.cards[1:]:
            if y < c.rect.center().y():
                return c.index
        return len(self.doc.spec.layers)

    def _accepts(self, mime: QMimeData) -> bool:
        return not self._banner() and (mime.hasFormat(LAYER_MIME) or mime.hasFormat(MOVE_MIME))

    def dragEnterEvent(self, event) -> None:
        if self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if not self._accepts(event.mimeData()):
            event.ignore()
            return
        self._drop_index = self.drop_index_at(event.position().y())
        event.acceptProposedAction()
        self.update()

    def dragLeaveEvent(self, event) -> None:
        self._drop_index = None
        self.update()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        index = self.drop_index_at(event.position().y())
        self._drop_index = None
        if not self._accepts(mime):
            event.ignore()
            return
        if mime.hasFormat(LAYER_MIME):
            self.doc.insert_layer(index, bytes(mime.data(LAYER_MIME).data()).decode())
            self.select(index)
        else:
            source = int(bytes(mime.data(MOVE_MIME).data()).decode())
            self.doc.move_layer(source, index)
            self.select(index - 1 if index > source else index)
        event.acceptProposedAction()
        self.update()
