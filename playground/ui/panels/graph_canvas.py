"""The graph canvas: the network as cards and wires. Drag from a card's output port to another
card's input port to wire; drop a palette layer on a wire to insert it, on a card to branch from
it, on empty canvas for a loose card; Delete removes the selected cards and wires; Ctrl+G folds
the selected cards into a block, double-click opens it (or a Residual or MBConv card into its
layers)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QMenu,
    QWidget,
)

from playground.core.errors import SpecError
from playground.core.model import graph_edit as edit
from playground.core.model.spec import INPUT, NetworkSpec
from playground.ui.panels.graph_drawing import GraphDrawing, block_of, exit_node
from playground.ui.panels.graph_items import BlockFrame, CardItem, WireItem, wire_path
from playground.ui.panels.palette import LAYER_MIME
from playground.ui.state.document import NetworkDocument
from playground.ui.widgets.style import SELECTION

MIN_SCALE = 0.75  # narrower than this the text is too small: the canvas scrolls instead


class GraphCanvas(QGraphicsView):
    selectionChanged = Signal(int)  # the selected node's index in the spec, -1 for none
    blockSelected = Signal(str)  # a folded block's card alone selected: its name
    problem = Signal(str)  # an edit that cannot be made, said in one line

    def __init__(self, document: NetworkDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.dataset_label = ""
        self.opened: set[str] = set()  # blocks drawn open (the others are one card each)
        self.zoom = 1.0  # Ctrl+wheel: the whole of a big graph at a glance, or closer
        self.cards: dict[str, CardItem] = {}
        self.wires: list[WireItem] = []
        self.frames: dict[str, BlockFrame] = {}
        self.footer = ""
        self.notice = ""  # the last edit refused, as shown
        self._selected: tuple[int, str] = (-1, "")
        self._rebuilding = False
        self._drag: tuple[CardItem, QGraphicsPathItem] | None = None
        self.setScene(QGraphicsScene(self))
        self.setObjectName("graphCanvas")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAcceptDrops(True)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scene().selectionChanged.connect(self._selection_changed)
        document.changed.connect(self.rebuild)
        document.lockedChanged.connect(lambda _: self.rebuild())
        self.rebuild()

    # --- content ------------------------------------------------------------------------
    def set_dataset_label(self, text: str) -> None:
        self.dataset_label = text
        self.rebuild()

    def rebuild(self) -> None:
        """Draw the document's graph anew, keeping the selection where its cards remain."""
        spec, report = self.doc.spec, self.doc.report
        kept: set = {i.unit.id for i in self.cards.values() if i.isSelected()}
        # a folded block is found again by its layers (it may have been renamed)
        kept |= {i.unit.nodes for i in self.cards.values() if i.isSelected() and i.unit.folded}
        kept |= {(w.wire.source_node, w.wire.target_node) for w in self.wires if w.isSelected()}
        self._rebuilding = True
        self.scene().clear()
        self.cards, self.wires, self.frames = {}, [], {}
        if not spec.is_graph:  # the stack view shows it; nothing to draw here
            self._rebuilding = False
            return
        self.opened &= {n.block for n in spec.layers if n.block}
        drawing = GraphDrawing(self.scene(), spec, report)
        drawing.draw(self.opened, self.dataset_label, self._banner(), self.font())
        self.cards, self.wires, self.frames = drawing.cards, drawing.wires, drawing.frames
        self.footer = drawing.footer
        for card in self.cards.values():
            card.setSelected(card.unit.id in kept or (card.unit.folded and card.unit.nodes in kept))
        for wire in self.wires:
            wire.setSelected((wire.wire.source_node, wire.wire.target_node) in kept)
        self._rebuilding = False
        self._selection_changed()
        self._fit()

    def _banner(self) -> str:
        if self.doc.locked:
            return "Locked while training: stop it to edit"
        if self.notice:
            return self.notice
        return ""

    def _fit(self) -> None:
        """Shrink a wide graph to the panel's width, down to a readable size; Ctrl+wheel
        zooms from there."""
        width = self.scene().sceneRect().width()
        room = self.viewport().width()
        scale = 1.0 if width <= room or not width else max(MIN_SCALE, room / width)
        self.resetTransform()
        self.scale(scale * self.zoom, scale * self.zoom)

    def wheelEvent(self, event) -> None:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
            return
        step = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.zoom = min(2.0, max(0.3, self.zoom * step))
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    # --- what tests and other panels read --------------------------------------------------
    def card_text(self, unit_id: str) -> str:
        """Everything written on a card, as one line."""
        c = self.cards[unit_id].card
        return "  ".join(s for s in (c.title, c.detail, c.shape, c.params, c.error) if s)

    def wire_between(self, source_node: str, target_node: str) -> WireItem:
        """The wire from one node into another; KeyError if there is none."""
        for w in self.wires:
            if (w.wire.source_node, w.wire.target_node) == (source_node, target_node):
                return w
        raise KeyError(f"no wire {source_node} → {target_node}")

    def select(self, index: int) -> None:
        """Select the card of node index (-1: none)."""
        self.scene().clearSelection()
        if 0 <= index < len(self.doc.spec.layers):
            item = next((c for c in self.cards.values() if c.unit.nodes == (index,)), None)
            if item is not None:
                item.setSelected(True)
                self.ensureVisible(item)

    def _selection_changed(self) -> None:
        if self._rebuilding:
            return
        chosen = [c for c in self.cards.values() if c.isSelected()]
        index, block = -1, ""
        if len(chosen) == 1 and chosen[0].unit.folded:
            block = chosen[0].unit.id
        elif len(chosen) == 1 and chosen[0].unit.nodes:
            index = chosen[0].unit.nodes[0]
        if (index, block) != self._selected:
            self._selected = (index, block)
            self.selectionChanged.emit(index)
            if block:
                self.blockSelected.emit(block)

    # --- edits ----------------------------------------------------------------------------
    def _apply(self, make: Callable[[], NetworkSpec], text: str) -> bool:
        """One undoable edit from a graph_edit function; a refusal is said, not raised."""
        if self.doc.locked:
            return False
        try:
            spec = make()
        except SpecError as e:
            self._refuse(str(e))
            return False
        self.notice = ""
        self.doc.replace_layers(spec, text)
        return True

    def _refuse(self, text: str) -> None:
        self.notice = text[0].upper() + text[1:]
        self.problem.emit(self.notice)
        self.rebuild()

    def wire(self, source: CardItem, target: CardItem, slot: int) -> None:
        """Wire source's output into target's input slot."""
        if target.unit.folded:
            self._refuse(f"open block {target.unit.id} to wire into the layers inside it")
            return
        if target.unit.id == INPUT:
            self._refuse("nothing feeds the input: wire from its output down to a layer")
            return
        src, dst = exit_node(self.doc.spec, source.unit), target.unit.id
        self._apply(lambda: edit.connect(self.doc.spec, src, dst, slot), f"Wire {src} → {dst}")

    def delete_selection(self) -> None:
        spec = self.doc.spec
        wires = [w.wire for w in self.wires if w.isSelected()]
        nodes = [
            spec.layers[i].id
            for c in self.cards.values()
            if c.isSelected() and c.unit.id != INPUT
            for i in c.unit.nodes
        ]
        if not wires and not nodes:
            return

        def make() -> NetworkSpec:
            new = spec
            for w in wires:
                new = edit.disconnect(new, w.source_node, w.target_node)
            for node_id in nodes:
                new = edit.remove_node(new, node_id)
            return new

        what = f"{len(nodes)} card(s)" if nodes else f"{len(wires)} wire(s)"
        self._apply(make, f"Delete {what}")

    def fold_selection(self) -> None:
        spec = self.doc.spec
        ids = [
            spec.layers[i].id for c in self.cards.values() if c.isSelected() for i in c.unit.nodes
        ]
        self._apply(lambda: edit.fold(spec, ids)[0], "Fold into a block")

    def unfold_selection(self) -> None:
        """Unfold the blocks of the selected cards (Network ▸ Unfold, Ctrl+Shift+G)."""
        chosen = [c for c in self.cards.values() if c.isSelected()]
        blocks = sorted({block_of(self.doc.spec, c) for c in chosen} - {""})
        if not blocks:
            self._refuse("select a block's card to unfold it")
        for block in blocks:
            self.unfold_block(block)

    def unfold_block(self, name: str) -> None:
        self._apply(lambda: edit.unfold(self.doc.spec, name), f"Unfold {name}")

    def open_block(self, name: str, opened: bool = True) -> None:
        """Draw block name open (its cards in a frame) or folded as one card."""
        (self.opened.add if opened else self.opened.discard)(name)
        self.rebuild()

    def open_card(self, item: CardItem) -> None:
        """Double-click: a folded block opens; a Residual or MBConv card opens into its layers."""
        if item.unit.folded:
            self.open_block(item.unit.id)
            return
        node = self.doc.spec.layers[item.unit.nodes[0]] if item.unit.nodes else None
        if node is not None and node.type in edit.OPENS:
            opened: list[str] = []

            def make() -> NetworkSpec:
                spec, name = edit.open_card(self.doc.spec, node.id)
                opened.append(name)
                return spec

            if self._apply(make, f"Open {node.id} into its layers"):
                self.open_block(opened[0])

    # --- mouse and keys ---------------------------------------------------------------------
    def _card_at(self, scene_pos: QPointF) -> CardItem | None:
        for item in self.scene().items(scene_pos):
            if isinstance(item, CardItem):
                return item
        return None

    def mousePressEvent(self, event) -> None:
        pos = self.mapToScene(event.position().toPoint())
        card = self._card_at(pos) or self._card_near_port(pos)
        if (
            event.button() == Qt.MouseButton.LeftButton
            and card is not None
            and card.port_at(pos) == ("out", 0)
            and not self.doc.locked
        ):
            path = QGraphicsPathItem()
            path.setPen(SELECTION)
            self.scene().addItem(path)
            self._drag = (card, path)
            return
        self.setFocus()
        super().mousePressEvent(event)

    def _card_near_port(self, pos: QPointF) -> CardItem | None:
        return next((c for c in self.cards.values() if c.port_at(pos)), None)

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            super().mouseMoveEvent(event)
            return
        source, path = self._drag
        pos = self.mapToScene(event.position().toPoint())
        path.setPath(wire_path(source.output_port(), pos, 0))
        target = self._card_at(pos) or self._card_near_port(pos)
        self._show_landing(target if target is not source else None, pos)

    def _show_landing(self, target: CardItem | None, pos: QPointF) -> None:
        """Ring the input a wire let go here would feed (none off a card)."""
        for card in self.cards.values():
            slot = card.nearest_slot(pos) if card is target and card.input_slots else None
            if card.hint_slot != slot:
                card.hint_slot = slot
                card.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is None:
            super().mouseReleaseEvent(event)
            return
        source = self._drag[0]
        self._cancel_wire()
        pos = self.mapToScene(event.position().toPoint())
        target = self._card_at(pos) or self._card_near_port(pos)
        if target is not None and target is not source:
            port = target.port_at(pos)
            slot = port[1] if port and port[0] == "in" else target.nearest_slot(pos)
            self.wire(source, target, slot)

    def _cancel_wire(self) -> None:
        if self._drag is not None:
            self.scene().removeItem(self._drag[1])
            self._drag = None
            self._show_landing(None, QPointF())

    def mouseDoubleClickEvent(self, event) -> None:
        pos = self.mapToScene(event.position().toPoint())
        card = self._card_at(pos)
        if card is not None:
            self.open_card(card)
            return
        frame = next((f for f in self.frames.values() if f.header().contains(pos)), None)
        if frame is not None:
            self.open_block(frame.name, opened=False)
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._drag is not None:
            self._cancel_wire()  # the wire being drawn is let go of, nothing changes
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            for c in self.cards.values():
                c.setSelected(c.unit.id != INPUT)
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        pos = self.mapToScene(event.pos())
        card = self._card_at(pos)
        if card is not None and not card.isSelected():
            self.scene().clearSelection()
            card.setSelected(True)
        menu = QMenu(self)
        for text, slot, enabled in self._menu_actions(card):
            action = QAction(text, menu)
            action.setEnabled(enabled and not self.doc.locked)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.exec(event.globalPos())

    def _menu_actions(self, card: CardItem | None) -> list[tuple[str, Callable, bool]]:
        chosen = [c for c in self.cards.values() if c.isSelected() and c.unit.id != INPUT]
        actions: list[tuple[str, Callable, bool]] = [
            ("Fold into a block\tCtrl+G", self.fold_selection, bool(chosen)),
            (
                "Delete\tDel",
                self.delete_selection,
                bool(chosen) or any(w.isSelected() for w in self.wires),
            ),
        ]
        block = block_of(self.doc.spec, card) if card is not None else ""
        if card is not None and card.unit.folded:
            actions.insert(0, ("Open block", lambda: self.open_block(card.unit.id), True))
        if block:
            actions.append(
                (f"Unfold {block}\tCtrl+Shift+G", lambda: self.unfold_block(block), True)
            )
        node = self.doc.spec.layers[card.unit.nodes[0]] if card and card.unit.nodes else None
        if node is not None and node.type in edit.OPENS and not card.unit.folded:
            actions.insert(0, ("Open into its layers", lambda: self.open_card(card), True))
        return actions

    # --- palette drops ----------------------------------------------------------------------
    def _hover_wire(self, scene_pos: QPointF | None) -> WireItem | None:
        hit = None
        if scene_pos is not None and self._card_at(scene_pos) is None:
            hit = next((i for i in self.scene().items(scene_pos) if isinstance(i, WireItem)), None)
        for w in self.wires:
            if w.hovered != (w is hit):
                w.hovered = w is hit
                w.update()
        return hit

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(LAYER_MIME) and not self.doc.locked:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if not event.mimeData().hasFormat(LAYER_MIME) or self.doc.locked:
            event.ignore()
            return
        self._hover_wire(self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._hover_wire(None)

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        if not mime.hasFormat(LAYER_MIME) or self.doc.locked:
            event.ignore()
            return
        type_name = bytes(mime.data(LAYER_MIME).data()).decode()
        pos = self.mapToScene(event.position().toPoint())
        event.acceptProposedAction()
        self.drop_layer(type_name, pos)

    def drop_layer(self, type_name: str, pos: QPointF) -> None:
        """A palette layer let go at pos: on a wire it goes in between, on a card it branches
        from that card's output, elsewhere it is a loose card to wire."""
        wire, card, spec = self._hover_wire(pos), self._card_at(pos), self.doc.spec
        self._hover_wire(None)
        added: list[str] = []

        def keep(result: tuple[NetworkSpec, str]) -> NetworkSpec:
            added.append(result[1])
            return result[0]

        if wire is not None:
            w = wire.wire
            self._apply(
                lambda: keep(edit.insert_on_wire(spec, w.source_node, w.target_node, type_name)),
                f"Insert {type_name}",
            )
        elif card is not None:
            source = exit_node(spec, card.unit)
            self._apply(lambda: keep(edit.add_node(spec, type_name, [source])), f"Add {type_name}")
        else:
            self._apply(lambda: keep(edit.add_node(spec, type_name)), f"Add {type_name}")
        if added and added[0] in self.cards:
            self.scene().clearSelection()
            self.cards[added[0]].setSelected(True)
