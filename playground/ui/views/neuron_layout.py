"""Where the neuron view draws things: a column per dense layer, a page of tiles in each, the
strongest links between neighbouring pages, and the pagers of wide layers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF

MAX_INPUT_TILES = 16  # more inputs than this (an image's pixels) are not drawn as neurons
MAX_LINKS = 50  # per pair of neighbouring columns: the strongest (more blur and cost ~1 ms each)
HEADER = 58  # layer name, activation and pager above each column
GAP = 8
MIN_TILE, MAX_TILE = 26, 64


@dataclass
class Column:
    name: str  # '2 Linear' or 'input'
    title: str  # what the header says
    count: int  # neurons in the layer
    first: int  # the first neuron on the page shown
    tiles: list[QRectF]  # one per neuron on the page, from first on
    back: QRectF | None = None  # the pager's arrows, for wide layers
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


def tile_size(width: float, height: float, columns: int) -> int:
    """Tiles shrink with the space: wide enough apart for links, many enough per page."""
    by_width = width / max(columns, 1) / 2.4
    by_height = (height - HEADER) / 6 - GAP
    return int(np.clip(min(by_width, by_height), MIN_TILE, MAX_TILE))


def lay_out(
    layers: list[tuple[str, str, int]], first: dict[str, int], width: float, height: float
) -> list[Column]:
    """Columns for layers (name, title, neurons) across width × height; first: the page each
    wide layer is turned to (its first neuron shown)."""
    n = len(layers)
    side = tile_size(width, height, n)
    per_page = max(1, int((height - HEADER - GAP) // (side + GAP)))
    step = (width - 2 * GAP - side) / max(n - 1, 1)
    columns = []
    for k, (name, title, count) in enumerate(layers):
        x = round(GAP + k * step if n > 1 else (width - side) / 2)  # whole pixels: crisp tiles
        start = min(first.get(name, 0), max(count - per_page, 0))
        shown = min(per_page, count - start)
        top = HEADER + max(0, round((height - HEADER - shown * (side + GAP)) / 2))
        tiles = [QRectF(x, top + i * (side + GAP), side, side) for i in range(shown)]
        column = Column(name, title, count, start, tiles)
        if count > per_page:
            centre = float(np.clip(x + side / 2, 54, width - 54))  # its arrows inside the view
            column.back = QRectF(centre - 52, HEADER - 20, 18, 16)
            column.forward = QRectF(centre + 34, HEADER - 20, 18, 16)
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
