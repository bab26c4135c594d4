"""Image folders: one sub-folder per class, the folder names are the class names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from playground.core.errors import DatasetError
from playground.core.imageio import ImageError, image_array, open_image

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


def load_folder(
    root: str | Path, size: int, channels: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Images (N×C×size×size in [0, 1]), labels and class names; unreadable files are skipped."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DatasetError(
            f"{root.name} needs one sub-folder per class, at least two (found {len(classes)})"
        )
    images, labels = [], []
    for label, folder in enumerate(classes):
        files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        count = 0
        for f in files:
            try:
                img = open_image(f).resize((size, size), Image.Resampling.BILINEAR)
            except ImageError:
                continue
            images.append(image_array(img, channels))
            labels.append(label)
            count += 1
        if count == 0:
            raise DatasetError(f"the class folder '{folder.name}' has no readable images")
    return np.stack(images), np.array(labels, dtype=np.int64), [c.name for c in classes]
