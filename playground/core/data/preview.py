"""A look at an image folder before it loads: its classes, how many images each has, and a few
small pictures of each, or why it cannot be a data set."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.core.data.folder import list_folder
from playground.core.data.imageio import ImageError, open_image, to_mode
from playground.core.data.ref import PHOTOS, DatasetRef, photo_folder
from playground.core.errors import DatasetError
from playground.core.model.efficientnet import BACKBONE, INPUT_SHAPE
from playground.core.model.spec import NetworkSpec

THUMBNAILS = 4  # per class
THUMB_SIDE = 96  # pixels


@dataclass(frozen=True)
class ClassPreview:
    name: str
    count: int  # image files (an unreadable one is only known when the folder loads)
    thumbnails: tuple[np.ndarray, ...]  # H×W×3 uint8, at most THUMB_SIDE a side


def folder_preview(root: str | Path, per_class: int = THUMBNAILS) -> list[ClassPreview]:
    """Each class of the image folder at root with its count and first pictures; DatasetError
    saying why when root has fewer than two classes or a class without images."""
    root = Path(root)
    classes, listed = list_folder(root)
    if not any(listed):
        raise DatasetError(f"{root.name} has no images in its class folders")
    empty = [c.name for c, files in zip(classes, listed, strict=True) if not files]
    if empty:
        raise DatasetError(f"the class folder '{empty[0]}' has no images: add some or remove it")
    return [
        ClassPreview(folder.name, len(files), _thumbnails(files, per_class))
        for folder, files in zip(classes, listed, strict=True)
    ]


def _thumbnails(files: list[Path], count: int) -> tuple[np.ndarray, ...]:
    """Small RGB pictures of the first count readable files."""
    pictures = []
    for path in files:
        if len(pictures) == count:
            break
        try:
            pictures.append(thumbnail(path))
        except ImageError:
            continue
    return tuple(pictures)


def thumbnail(path: Path) -> np.ndarray:
    """The image file as a small RGB picture (H×W×3 uint8); ImageError if unreadable."""
    img = open_image(path, THUMB_SIDE)
    img.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return np.asarray(to_mode(img, 3), dtype=np.uint8)


def folder_ref(root: str | Path, spec: NetworkSpec) -> DatasetRef:
    """How to load an image folder for a network: as 224×224 photos for one that takes them
    (the pretrained backbone card, the ImageNet classifier: at 32×32 it would run on 2×2
    maps, its training meaningless), else at the folder's default size, in colour (the
    network adapts to it)."""
    first = spec.layers[0].type if spec.layers else ""
    takes_photos = first == BACKBONE or tuple(spec.input_shape) == INPUT_SHAPE
    return photo_folder(root) if takes_photos else DatasetRef(str(root))


def loads_as(ref: DatasetRef) -> str:
    """How ref's images will look to the network, in words."""
    if ref.options.get(PHOTOS):
        return "as 224×224 colour photos, as the pretrained network takes them"
    side, channels = ref.options.get("size", 32), ref.options.get("channels", 3)
    return f"as {side}×{side} {'colour' if channels == 3 else 'gray'} images"


def thumbnails(paths: list[Path], check=lambda: None) -> list[tuple[Path, np.ndarray | None]]:
    """Each file's thumbnail, None for one that cannot be read; check() between files (it
    raises to stop)."""
    pictures = []
    for path in paths:
        check()
        try:
            pictures.append((path, thumbnail(path)))
        except ImageError:
            pictures.append((path, None))
    return pictures
