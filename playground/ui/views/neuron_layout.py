"""Where the neuron view draws things: a block of tiles per dense layer, the strongest links
between neighbouring blocks, and the pagers of layers too wide to draw whole.

A small network is drawn whole: tiles shrink, and a layer's neurons wrap into several columns
of its block, until every neuron is seen (128 + 64 + 10 of the digits MLP fit 1024×700). Only
a layer that does not fit at the smallest tile is shown a page at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF

MAX_INPUT_TILES = 16  # more inputs than this (an image's pixels) are not drawn as neurons
MAX_LINKS = 50  # per pair of neighbouring columns: the strongest (more blur and cost ~1 ms each)
HEADER = 58  # layer name, activation and pager above each column
GAP = 8
MIN_TILE, MAX_TILE = 8, 64
ONE_COLUMN = 26  # tiles this large stand in one column a layer (TensorFlow Playground's look)
LINK_ROOM = 36  # at least this between neighbouring blocks, for the links to be seen
TITLE = 110  # px between the centres of neighbouring blocks: their titles side by side
NAMES = 60  # right of the output layer's tiles: its class names


@dataclass
class Column:
    name: str  # '2 Linear' or 'input'
    title: str  # what the header says
    count: int  # neurons in the layer
    first: int  # the first neuron on the page shown
    tiles: list[QRectF]  # one per neuron on the page, from first on (down, then right)
    centre: float = 0.0  # x of the block's middle, where the header stands
    back: QRectF | None = None  # the pager's arrows, for layers too wide to draw whole
    forward: QRectF | None = None

    @property
    def shown(self) -> range:
        return range(self.first, self.first + len(self.tiles))


@dataclass
class Link:
    source: int  # neuron of the column on the left
    target: int  # neuron of this column
    weight: float
    line: tuple[QPointF, QPointF]


@dataclass(frozen=True)
class Grid:
    """Tiles of side px, gap px apart, rows to a block column; blocks[k]: layer k's columns."""

    side: int
    gap: int
    rows: int
    blocks: list[int]

    def block_width(self, k: int) -> int:
        return self.blocks[k] * (self.side + self.gap) - self.gap

    def width(self) -> float:
        """The width the blocks, the room between them and the class names take."""
        return (
            2 * GAP
            + NAMES
            + sum(self.block_width(k) for k in range(len(self.blocks)))
            + sum(self.room(k) for k in range(1, len(self.blocks)))
        )

    def room(self, k: int) -> float:
        """The least room between block k - 1 and block k: for the links to be seen, and
        their titles (centred above them) apart."""
        half = (self.block_width(k - 1) + self.block_width(k)) / 2
        return max(LINK_ROOM, 1.4 * self.side, TITLE - half)


def _gap(side: int) -> int:
    return max(2, side // 8)


def _rows(side: int, height: float) -> int:
    return int((height - HEADER - GAP + _gap(side)) // (side + _gap(side)))


def fit_grid(counts: list[int], width: float, height: float) -> Grid:
    """The largest tiles that show every neuron of every layer in width × height (large ones
    one column a layer, the output layer one column when it can); when none do, the
    smallest, each layer given a fair share of the width (the narrow ones all they need) and
    the rest paged."""
    for named in (True, False):  # the output layer in one column, its names beside it
        for side in range(MAX_TILE, MIN_TILE - 1, -1):
            rows = _rows(side, height)
            if rows < 1 or (named and counts[-1] > rows):
                continue
            grid = Grid(side, _gap(side), rows, [math.ceil(c / rows) for c in counts])
            if (side < ONE_COLUMN or max(grid.blocks) == 1) and grid.width() <= width:
                return grid
    side, gap = MIN_TILE, _gap(MIN_TILE)
    rows = max(1, _rows(side, height))
    free = width - 2 * GAP - NAMES - (len(counts) - 1) * LINK_ROOM + len(counts) * gap
    units = max(len(counts), int(free // (side + gap)))
    blocks = _shares([math.ceil(c / rows) for c in counts], units)
    grid = Grid(side, gap, rows, blocks)
    while grid.width() > width and max(blocks) > 1:  # narrow neighbours' titles need room
        blocks[blocks.index(max(blocks))] -= 1
        grid = Grid(side, gap, rows, blocks)
    return grid


def _shares(needs: list[int], units: int) -> list[int]:
    """units split among needs: each gets at most what it needs, the rest shared evenly."""
    shares = [0] * len(needs)
    left, open_ = units, sorted(range(len(needs)), key=lambda k: needs[k])
    while open_:
        k = open_.pop(0)
        shares[k] = max(1, min(needs[k], left // (len(open_) + 1)))
        left -= shares[k]
    return shares


def lay_out(
    layers: list[tuple[str, str, int]], first: dict[str, int], width: float, height: float
) -> list[Column]:
    """Columns for layers (name, title, neurons) across width × height; first: the page each
    wide layer is turned to (its first neuron shown)."""
    grid = fit_grid([count for _, _, count in layers], width, height)
    n, step = len(layers), grid.side + grid.gap
    extra = max(0.0, width - grid.width()) / (n - 1) if n > 1 else 0.0
    x = GAP if n > 1 else (width - NAMES - grid.block_width(0)) / 2
    columns = []
    for k, (name, title, count) in enumerate(layers):
        if k:
            x += grid.block_width(k - 1) + grid.room(k) + extra
        per_page = grid.rows * grid.blocks[k]
        start = min(first.get(name, 0), max(count - per_page, 0))
        shown = min(per_page, count - start)
        rows = min(grid.rows, shown)
        top = HEADER + max(0, round((height - HEADER - rows * step + grid.gap) / 2))
        left = round(x)  # whole pixels: crisp tiles
        tiles = [
            QRectF(left + (i // rows) * step, top + (i % rows) * step, grid.side, grid.side)
            for i in range(shown)
        ]
        centre = left + grid.block_width(k) / 2
        column = Column(name, title, count, start, tiles, centre)
        if count > per_page:
            middle = float(np.clip(centre, 54, width - 54))  # its arrows inside the view
            column.back = QRectF(middle - 52, HEADER - 20, 18, 16)
            column.forward = QRectF(middle + 34, HEADER - 20, 18, 16)
        columns.append(column)
    return columns


def links_between(left: Column, right: Column, weight: np.ndarray) -> list[Link]:
    """The strongest links from left's shown neurons into right's; weight: (right, left)."""
    sources, targets = np.array(left.shown), np.array(right.shown)
    if not len(sources) or not len(targets):
        return []
    w = weight[np.ix_(targets, sources)]
    order = np.argsort(-np.abs(w), axis=None)[:MAX_LINKS]
    links = []
    for flat in order:
        t, s = divmod(int(flat), len(sources))
        a, b = left.tiles[s], right.tiles[t]
        line = (QPointF(a.right(), a.center().y()), QPointF(b.left(), b.center().y()))
        links.append(Link(int(sources[s]), int(targets[t]), float(w[t, s]), line))
    return links


def distance_to_line(p: QPointF, line: tuple[QPointF, QPointF]) -> float:
    """Pixels from p to the segment line."""
    a = np.array([line[0].x(), line[0].y()])
    b = np.array([line[1].x(), line[1].y()])
    q = np.array([p.x(), p.y()])
    ab = b - a
    t = np.clip(np.dot(q - a, ab) / max(float(np.dot(ab, ab)), 1e-9), 0, 1)
    return float(np.linalg.norm(q - (a + t * ab)))
