"""Read any image file a user may give us into a clean 8-bit gray or RGB array."""

from __future__ import annotations

import math
import struct
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from playground.core.errors import PlaygroundError
from playground.core.limits import MAX_IMAGE_PIXELS, check_not_special

WORK_SIDE = 2048  # big photos are reduced to this before any per-pixel work
HIGH_DEPTH = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")  # scaled to 8 bits on opening
PLAIN_MODES = ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr", "HSV")


class ImageError(PlaygroundError):
    """A file that is not a usable image."""


def open_image(path: str | Path, min_side: int = WORK_SIDE) -> Image.Image:
    """The first frame of an image file in a plain 8-bit mode, reduced to at most WORK_SIDE a
    side (a JPEG decoded at the smallest scale keeping both sides at least min_side); ImageError
    naming the file for anything unreadable, too large or of an odd mode."""
    path = Path(path)
    if path.is_dir():
        raise ImageError(f"{path.name} is a folder, not an image")
    check_not_special(path, ImageError)
    try:
        if path.stat().st_size == 0:
            raise ImageError(f"{path.name} is empty (0 bytes)")
        with warnings.catch_warnings():
            # Pillow warns of the damaged metadata it skips and of big images: not for users
            warnings.simplefilter("ignore")
            Image.MAX_IMAGE_PIXELS = None  # we apply our own limit below, after draft()
            with Image.open(path) as src:
                src.draft("RGB", (min_side, min_side))  # JPEG decodes at reduced scale
                if src.width * src.height > MAX_IMAGE_PIXELS:  # checked before decoding
                    raise ImageError(
                        f"{path.name} is too large ({src.width:,}×{src.height:,} pixels); "
                        f"scale it down below {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
                    )
                src.seek(0)  # animated images: the first frame
                src.load()  # decoded here, inside the error handling
                img = _upright(src)
            img = _plain_mode(img, path.name)
            if max(img.size) > WORK_SIDE:
                img.thumbnail((WORK_SIDE, WORK_SIDE))
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(f"{path.name} is not an image file Neural Playground can read") from None
    except MemoryError:
        raise ImageError(f"{path.name} is too large to decode in the memory left") from None
    # Pillow's decoders raise many kinds on damaged data: each means the same to a user
    except (OSError, SyntaxError, ValueError, TypeError, IndexError, KeyError, struct.error) as e:
        raise ImageError(
            f"{path.name} could not be read: it looks damaged or truncated ({e})"
        ) from None
    return img


def _upright(img: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says; as it is when the EXIF is malformed (the
    pixels are fine, only the metadata is broken, so the photo still counts)."""
    try:
        return ImageOps.exif_transpose(img) or img
    except Exception:  # the EXIF parser raises anything on malformed tags
        return img


def _plain_mode(img: Image.Image, name: str) -> Image.Image:
    """img in a mode every later step handles: 16- and 32-bit images are scaled to 8-bit gray,
    LAB is turned into sRGB."""
    if img.mode in PLAIN_MODES:
        return img
    if img.mode in HIGH_DEPTH:
        a = np.asarray(img, dtype=np.float32)
        lo, hi = float(a.min()), float(a.max())
        if not (math.isfinite(lo) and math.isfinite(hi)):
            a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
            lo, hi = float(a.min()), float(a.max())
        a = (a - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(a)
        return Image.fromarray(a.astype(np.uint8), "L")
    if img.mode == "LAB":  # Pillow's own convert copies the channels as if they were RGB
        lab, srgb = ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB")
        return ImageCms.applyTransform(img, ImageCms.buildTransform(lab, srgb, "LAB", "RGB"))
    try:
        return img.convert("RGBA")
    except ValueError:
        raise ImageError(
            f"{name} uses the {img.mode} colour mode, which Neural Playground cannot convert: "
            "save it as RGB or grayscale"
        ) from None


def to_mode(img: Image.Image, channels: int) -> Image.Image:
    """8-bit gray (channels 1) or RGB (3), with transparency composited onto white."""
    img = _plain_mode(img, "the image")
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
