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


def bundled_digits_right(model, project, n: int = 20) -> int:
    """How many of the first n bundled MNIST digits, classified as a user's image would be,
    the model names rightly."""
    from playground.core.data.idx import read_idx
    from playground.core.data.ref import MNIST5K
    from playground.core.inspect.inference import classify

    digits, labels = read_idx(MNIST5K[0])[:n], read_idx(MNIST5K[1])[:n]
    return sum(
        classify(model, Image.fromarray(255 - d), project.preprocessing, project.class_names)
        .top[0][0] == str(label)
        for d, label in zip(digits, labels, strict=True)
    )  # fmt: skip
