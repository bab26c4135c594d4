"""Image folders made by the tests: stripes that an MLP tells apart in an epoch."""

from __future__ import annotations

import numpy as np
from PIL import Image


def write_stripes(root, count=60, side=16):
    """Two classes: a bright left half or a bright right half, with noise."""
    rng = np.random.default_rng(0)
    for label, name in enumerate(("left", "right")):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(count):
            a = rng.integers(0, 90, (side, side, 3), dtype=np.uint8)
            half = slice(0, side // 2) if label == 0 else slice(side // 2, side)
            a[:, half] += 150
            Image.fromarray(a).save(folder / f"{i}.png")
