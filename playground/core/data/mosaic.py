"""Equal-sized pictures laid out in a grid (numpy only: the window draws filters and previews
with it before PyTorch has loaded)."""

from __future__ import annotations

import numpy as np


def mosaic(tiles: list, columns: int, pad: int = 1, fill: float = float("nan")):
    """Lay equal-sized 2-D (or H×W×3) arrays out in a grid, separated by pad."""
    if not tiles:
        return np.zeros((1, 1))
    h, w = tiles[0].shape[:2]
    rows = (len(tiles) + columns - 1) // columns
    shape = (rows * (h + pad) - pad, columns * (w + pad) - pad, *tiles[0].shape[2:])
    out = np.full(shape, fill, dtype=np.float32)
    for i, t in enumerate(tiles):
        r, c = divmod(i, columns)
        out[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = t
    return out
