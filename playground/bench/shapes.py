"""Synthetic photos of three kinds (disks, stripes, checks) on noisy backgrounds, in class
folders: for transfer learning's tests and bench, made on the spot (nothing to download)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

KINDS = ("disks", "stripes", "checks")


def photo(kind: str, rng: np.random.Generator, scale: int = 1) -> Image.Image:
    """A noisy background in a random colour with disks, diagonal stripes or a checkerboard,
    about 120×100 pixels times scale."""
    w, h = int(rng.integers(90, 150)) * scale, int(rng.integers(80, 120)) * scale
    noise = rng.integers(0, 255, 3) + rng.normal(0, 25, (h, w, 3))
    img = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))
    draw, colour = ImageDraw.Draw(img), tuple(int(c) for c in rng.integers(0, 255, 3))
    step = int(rng.integers(6, 14)) * scale
    if kind == "disks":
        for _ in range(int(rng.integers(1, 4))):
            r = int(rng.integers(8, 25)) * scale
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    elif kind == "stripes":
        for x in range(0, w + h, step * 2):
            draw.line((x, 0, x - h, h), fill=colour, width=step)
    else:
        for y in range(0, h, step):
            for x in range((y // step) % 2 * step, w, step * 2):
                draw.rectangle((x, y, x + step - 1, y + step - 1), fill=colour)
    return img


def make_photos(root: Path, per_class: int, seed: int = 0, scale: int = 1) -> Path:
    """per_class JPEG photos of each kind in root/KIND/; returns root."""
    rng = np.random.default_rng(seed)
    for kind in KINDS:
        (root / kind).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            photo(kind, rng, scale).save(root / kind / f"{i}.jpg", quality=90)
    return root
