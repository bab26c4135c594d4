"""Read any image file a user may give us into a clean 8-bit gray or RGB array."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from playground.core.errors import PlaygroundError

MAX_PIXELS = 120_000_000  # beyond this a decoded image would take gigabytes
WORK_SIDE = 2048  # big photos are reduced to this before any per-pixel work


class ImageError(PlaygroundError):
    """A file that is not a usable image."""


def open_image(path: str | Path) -> Image.Image:
    """The first frame of an image file, reduced to at most WORK_SIDE a side, fully decoded."""
    path = Path(path)
    if path.is_dir():
        raise ImageError(f"{path.name} is a folder, not an image")
    try:
        if path.stat().st_size == 0:
            raise ImageError(f"{path.name} is empty (0 bytes)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = None  # we apply our own limit below, after draft()
            with Image.open(path) as src:
                src.draft("RGB", (WORK_SIDE, WORK_SIDE))  # JPEG decodes at reduced scale
                if src.width * src.height > MAX_PIXELS:
                    raise ImageError(
                        f"{path.name} is too large ({src.width}×{src.height} pixels); "
                        "scale it down below 100 megapixels"
                    )
                src.seek(0)  # animated images: the first frame
                img = src.copy()  # decoded, and no longer tied to the open file
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(f"{path.name} is not an image file Neural Playground can read") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise ImageError(
            f"{path.name} could not be read: it looks damaged or truncated ({e})"
        ) from None
    img = ImageOps.exif_transpose(img) or img
    if max(img.size) > WORK_SIDE:
        img.thumbnail((WORK_SIDE, WORK_SIDE))
    return img


def to_mode(img: Image.Image, channels: int) -> Image.Image:
    """8-bit gray (channels 1) or RGB (3), with transparency composited onto white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(a)
        img = Image.fromarray(a.astype(np.uint8), "L")
    if img.mode == "P" or img.mode == "LA" or "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "RGBa"):
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img.convert("RGBA"))
    return img.convert("L" if channels == 1 else "RGB")


def image_array(img: Image.Image, channels: int) -> np.ndarray:
    """C×H×W float32 in [0, 1]."""
    a = np.asarray(to_mode(img, channels), dtype=np.float32) / 255.0
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
