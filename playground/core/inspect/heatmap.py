"""A map in [0, 1] laid over the picture it explains, as an image to save or show."""

from __future__ import annotations

import numpy as np
from PIL import Image

MIN_SIDE = 224  # small inputs (28×28 digits) are enlarged to be seen
OPACITY = 0.6  # of the map where it is 1; where it is 0 only the picture shows


def heat_colours(heat: np.ndarray) -> np.ndarray:
    """H×W in [0, 1] → H×W×3 in [0, 1]: black-red-yellow-white, like a hot plate."""
    h = np.clip(heat, 0, 1)[..., None]
    return np.clip(3 * h - np.array([0.0, 1.0, 2.0]), 0, 1)


def overlay(picture: np.ndarray, heat: np.ndarray) -> Image.Image:
    """The picture (C×H×W in [0, 1], gray or RGB) in gray, the map's colours blended over it
    as strongly as the map is high; enlarged to at least MIN_SIDE pixels."""
    gray = picture.mean(axis=0)[..., None].repeat(3, axis=2)
    alpha = OPACITY * np.clip(heat, 0, 1)[..., None]
    mixed = (1 - alpha) * gray + alpha * heat_colours(heat)
    img = Image.fromarray((mixed * 255).round().astype(np.uint8), "RGB")
    scale = max(1, -(-MIN_SIDE // min(img.size)))
    if scale > 1:
        img = img.resize((img.width * scale, img.height * scale), Image.Resampling.NEAREST)
    return img
