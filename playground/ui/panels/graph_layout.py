"""Where the canvas puts each card: ranks by the longest path from the input (a chain reads
top to bottom as the stack does), lanes side by side for branches, the chain that ends in the
output on the first lane. A folded block is one unit. Pure: no Qt."""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.model.spec import INPUT, NetworkSpec


@dataclass
class Unit:
    """One card on the canvas: the input, a node, or a folded block of nodes."""

    id: str  # INPUT, a node's id, or a block's name
    nodes: tuple[int, ...]  # indices into spec.layers; empty for the input
    folded: bool = False  # a block drawn as one card
    rank: int = 0
    lane: int = 0


@dataclass(frozen=True)
class Wire:
    """A wire between two units, and the node-level wire it stands for."""

    source: str  # unit ids
    target: str
    slot: int  # which input of the target it feeds (in1 is 0)
    source_node: str  # node ids (INPUT for the input)
    target_node: str


def units_of(spec: NetworkSpec, opened: set[str]) -> tuple[list[Unit], list[Wire]]:
    """The cards and wires of spec, a block drawn as one card unless it is in opened."""
    units: dict[str, Unit] = {INPUT: Unit(INPUT, ())}
    unit_of = {INPUT: INPUT}
    for i, node in enumerate(spec.layers):
        if node.block and node.block not in opened:
            unit = units.setdefault(node.block, Unit(node.block, (), folded=True))
            unit.nodes = (*unit.nodes, i)
        else:
            units[node.id] = Unit(node.id, (i,))
        unit_of[node.id] = node.block if node.block and node.block not in opened else node.id
    wires: list[Wire] = []
    slots: dict[str, int] = {}
    for node in spec.layers:
        target = unit_of[node.id]
        for source in node.inputs:
            if unit_of.get(source, target) != target:
                slot = slots.get(target, 0)
                slots[target] = slot + 1
                wires.append(Wire(unit_of[source], target, slot, source, node.id))
    return list(units.values()), wires


def place(units: list[Unit], wires: list[Wire], output_unit: str) -> None:
    """Set each unit's rank (longest path from the input) and lane (the output's chain on
    lane 0, a branch on the first free lane right of its source)."""
    by_id = {u.id: u for u in units}
    for unit in units:
        unit.rank = 0 if unit.id == INPUT else 1
    for _ in range(len(units)):  # longest path by relaxation; bounded even if a fold loops
        changed = False
        for w in wires:
            if by_id[w.target].rank < by_id[w.source].rank + 1:
                by_id[w.target].rank = by_id[w.source].rank + 1
                changed = True
        if not changed:
            break
    first_source = {w.target: w.source for w in sorted(wires, key=lambda w: -w.slot)}
    spine, current = [], output_unit
    while current in by_id and current not in spine:
        spine.append(current)
        current = first_source.get(current, "")
    taken: set[tuple[int, int]] = set()
    order = [by_id[i] for i in spine] + [u for u in units if u.id not in spine]
    for unit in sorted(order, key=lambda u: u.id not in spine):
        lane = by_id[first_source[unit.id]].lane if unit.id in first_source else 0
        if unit.id in spine:
            lane = 0
        while (unit.rank, lane) in taken:
            lane += 1
        unit.lane = lane
        taken.add((unit.rank, lane))
