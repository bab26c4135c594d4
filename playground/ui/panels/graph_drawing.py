"""Draws a graph spec into a scene: a card per unit where the layout puts it, the wires, the
frames of opened blocks, the banner and the footer. The canvas redraws with it after every
edit and keeps what is drawn to find cards, ports and wires under the mouse."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem

from playground.core.model.layers import layer_type, shape_text
from playground.core.model.shapes import ShapeReport
from playground.core.model.spec import INPUT, NetworkSpec
from playground.ui.panels.card_paint import Card, card_height, shape_and_count
from playground.ui.panels.graph_items import BlockFrame, CardItem, WireItem
from playground.ui.panels.graph_layout import Unit, Wire, place, units_of
from playground.ui.widgets.style import ERROR, TEXT

CARD_W, LANE_GAP, RANK_GAP, MARGIN = 230, 24, 34, 16


class GraphDrawing:
    """What one drawing of the graph put in the scene, by unit id and block name."""

    def __init__(self, scene: QGraphicsScene, spec: NetworkSpec, report: ShapeReport) -> None:
        self.scene, self.spec, self.report = scene, spec, report
        self.cards: dict[str, CardItem] = {}
        self.wires: list[WireItem] = []
        self.frames: dict[str, BlockFrame] = {}
        self.footer = ""

    def draw(self, opened: set[str], input_label: str, banner: str, font: QFont) -> None:
        """Everything, blocks in opened drawn open; banner (if any) above the cards."""
        spec = self.spec
        units, wires = units_of(spec, opened)
        output_unit = next((u.id for u in units if _holds(spec, u, spec.output)), INPUT)
        place(units, wires, output_unit)
        slots = _input_slots(spec, units, wires)
        for u in units:
            self._add_card(u, slots[u.id], input_label, font)
        self._position(units, 40 if banner else 0)
        for w in wires:
            self._add_wire(w)
        for name in sorted(opened):
            self._add_frame(name, font)
        self._add_texts(banner)

    def _add_card(self, unit: Unit, slots: int, input_label: str, font: QFont) -> None:
        card = self._card(unit, input_label)
        card.rect = QRect(0, 0, CARD_W, card_height(font, CARD_W, card.error))
        item = CardItem(unit, card, 0 if unit.id == INPUT else slots, font)
        self.scene.addItem(item)
        self.cards[unit.id] = item

    def _card(self, unit: Unit, input_label: str) -> Card:
        """What a unit's card says: the input, a folded block, or one node."""
        spec, infos = self.spec, self.report.layers
        if unit.id == INPUT:
            shape = shape_text(spec.input_shape)
            return Card(-1, "", "Input", input_label, shape, "", "", "input", QRect())
        if unit.folded:
            members = [infos[i] for i in unit.nodes]
            shape, _ = shape_and_count(infos[exit_index(spec, unit)])
            total = sum(i.param_count for i in members)
            params = f"{total:,} params" if total else "no weights"
            # which layer inside is wrong: the block's card is all the learner sees of it
            error = next((f"{i.id}: {i.error}" for i in members if i.error), "")
            title = f"▣ {unit.id} · {len(members)} layers"
            detail = "double-click to open"
            return Card(
                unit.nodes[0], "", title, detail, shape, params, error, "convolution", QRect()
            )
        info, node = infos[unit.nodes[0]], spec.layers[unit.nodes[0]]
        t = layer_type(node.type)
        shape, count = shape_and_count(info)
        named = node.type.lower() in node.id.lower()  # conv2d_2 says its type; skip does not
        title = node.id if named else f"{node.id}  {node.type}"
        detail = t.summary(node.params)
        return Card(
            info.index, node.type, title, detail, shape, count, info.error or "", t.group, QRect()
        )

    def _position(self, units: list[Unit], top: int) -> None:
        """Ranks top to bottom, each as tall as its tallest card; lanes left to right."""
        y = float(MARGIN + top)
        rows: dict[int, float] = {}
        for rank in sorted({u.rank for u in units}):
            rows[rank] = y
            y += max(self.cards[u.id].card.rect.height() for u in units if u.rank == rank)
            y += RANK_GAP
        for u in units:
            self.cards[u.id].setPos(MARGIN + u.lane * (CARD_W + LANE_GAP), rows[u.rank])

    def _add_wire(self, w: Wire) -> None:
        source, target = self.cards[w.source], self.cards[w.target]
        s, t = source.unit, target.unit
        # a shortcut past cards on its own lane swings right around them
        blocked = any(
            c.unit.lane == s.lane and s.rank < c.unit.rank < t.rank for c in self.cards.values()
        )
        detour = CARD_W * 0.75 if blocked and s.lane == t.lane else 0.0
        item = WireItem(w, source.output_port(), target.input_port(w.slot), detour)
        self.scene.addItem(item)
        self.wires.append(item)

    def _add_frame(self, name: str, font: QFont) -> None:
        rects = [c.sceneBoundingRect() for c in self.cards.values() if self._in_block(c, name)]
        if not rects:
            return
        area = rects[0]
        for r in rects[1:]:
            area = area.united(r)
        frame = BlockFrame(name, area.adjusted(-8, -8 - BlockFrame.HEADER, 8, 8), font)
        self.scene.addItem(frame)
        self.frames[name] = frame

    def _in_block(self, card: CardItem, name: str) -> bool:
        return not card.unit.folded and block_of(self.spec, card) == name

    def _add_texts(self, banner: str) -> None:
        report = self.report
        verdict = "✓ ready to train" if report.ok else "✗ fix the red card"
        self.footer = f"Total: {report.total_params:,} parameters   ·   {verdict}"
        footer = QGraphicsSimpleTextItem(self.footer)
        footer.setBrush(ERROR if not report.ok else TEXT)
        footer.setPos(MARGIN, self.scene.itemsBoundingRect().bottom() + 12)
        self.scene.addItem(footer)
        if banner:
            text = QGraphicsSimpleTextItem(banner)
            text.setBrush(ERROR)
            text.setPos(MARGIN, MARGIN)
            self.scene.addItem(text)
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-8, -8, 8, 8))


def _holds(spec: NetworkSpec, unit: Unit, node_id: str) -> bool:
    return any(spec.layers[i].id == node_id for i in unit.nodes)


def exit_index(spec: NetworkSpec, unit: Unit) -> int:
    """The node of a unit whose output leaves it: the output, or one that feeds another unit."""
    inside = {spec.layers[i].id for i in unit.nodes}
    for i in reversed(unit.nodes):
        node_id = spec.layers[i].id
        if node_id == spec.output or any(
            node_id in n.inputs for n in spec.layers if n.id not in inside
        ):
            return i
    return unit.nodes[-1]


def exit_node(spec: NetworkSpec, unit: Unit) -> str:
    """The node id a wire from this unit's output starts at."""
    return INPUT if unit.id == INPUT else spec.layers[exit_index(spec, unit)].id


def block_of(spec: NetworkSpec, card: CardItem) -> str:
    return spec.layers[card.unit.nodes[0]].block if card.unit.nodes else ""


def _input_slots(spec: NetworkSpec, units: list[Unit], wires: list[Wire]) -> dict[str, int]:
    """How many input ports each card shows: a merge one more than its inputs (the free one)."""
    fed: dict[str, int] = {}
    for w in wires:
        fed[w.target] = fed.get(w.target, 0) + 1
    slots = {}
    for u in units:
        merges = len(u.nodes) == 1 and layer_type(spec.layers[u.nodes[0]].type).merges
        slots[u.id] = max(2, fed.get(u.id, 0) + 1) if merges else max(1, fed.get(u.id, 0))
    return slots
