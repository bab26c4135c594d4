"""Image folders: one sub-folder per class, the folder names are the class names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from playground.core.data.imageio import WORK_SIDE, ImageError, image_array, open_image
from playground.core.errors import DatasetError
from playground.core.limits import MAX_DATASET_BYTES, mib

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


Progress = Callable[[float, str], None]  # fraction done, what; it may raise to cancel
Picture = Callable[[Image.Image], np.ndarray]  # an opened image → its C×size×size array


def load_folder(
    root: str | Path,
    size: int,
    channels: int,
    progress: Progress | None = None,
    picture: Picture | None = None,
    min_side: int = WORK_SIDE,
    report_every: int = 50,
) -> tuple[np.ndarray, np.ndarray, list[str], tuple[str, ...]]:
    """Images (N×C×size×size in [0, 1]), labels, class names and why each unreadable file was
    skipped. progress, if given, hears of every report_every-th image; picture, if given,
    makes each image's array instead of a plain resize (a pretrained network's recipe, or its
    features); JPEGs decode at the smallest scale that keeps both sides at least min_side."""
    root = Path(root)
    classes, listed = list_folder(root)
    images, labels = [], []
    total, seen = max(1, sum(len(files) for files in listed)), 0
    if total * channels * size * size * 4 > MAX_DATASET_BYTES:
        raise DatasetError(
            f"{root.name} holds {total:,} images, more than fit in {mib(MAX_DATASET_BYTES)} at "
            f"{size}×{size}: use a smaller image size or fewer images"
        )
    skipped: list[str] = []
    for label, (folder, files) in enumerate(zip(classes, listed, strict=True)):
        count = 0
        for f in files:
            if progress is not None and seen % report_every == 0:
                progress(seen / total, f"Reading {folder.name}: image {seen:,} of {total:,}")
            seen += 1
            try:
                img = open_image(f, min_side)
            except ImageError as e:
                skipped.append(str(e))
                continue
            images.append(picture(img) if picture is not None else resized(img, size, channels))
            labels.append(label)
            count += 1
        if count == 0:
            raise DatasetError(f"the class folder '{folder.name}' has no readable images")
    names = [c.name for c in classes]
    return np.stack(images), np.array(labels, dtype=np.int64), names, tuple(skipped)


def list_folder(root: Path) -> tuple[list[Path], list[list[Path]]]:
    """The class folders of root, sorted, and the image files of each, sorted."""
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DatasetError(
            f"{root.name} needs one sub-folder per class, at least two (found {len(classes)})"
        )
    listed = [
        sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        for folder in classes
    ]
    return classes, listed


def resized(img: Image.Image, size: int, channels: int) -> np.ndarray:
    """img as a C×size×size array in [0, 1], as an image folder's images are loaded."""
    return image_array(img.resize((size, size), Image.Resampling.BILINEAR), channels)
