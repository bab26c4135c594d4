"""Photos of handwriting, made by the tests: dark ink on light, noisy, off-centre paper."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont


def photo_of_digit(digit: int, seed: int, size: tuple[int, int] = (240, 180)) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    paper = rng.uniform(170, 235)
    img = Image.new("L", (w, h), int(paper))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=int(rng.uniform(0.35, 0.6) * h))
    x = rng.uniform(0.05, 0.55) * w
    y = rng.uniform(0.0, 0.15) * h
    ink = int(rng.uniform(10, 70))
    draw.text(
        (x, y),
        str(digit),
        fill=ink,
        font=font,
        stroke_width=int(rng.integers(2, 5)),
        stroke_fill=ink,
    )
    img = img.rotate(rng.uniform(-12, 12), fillcolor=int(paper), resample=Image.Resampling.BILINEAR)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
    a = np.asarray(img, dtype=np.float32)
    shade = np.linspace(0, rng.uniform(-25, 25), w)[None, :]  # uneven lighting
    a = a + shade + rng.normal(0, 8, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).convert("RGB")
