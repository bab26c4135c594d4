"""numpy arrays and PIL images to Qt pixmaps."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def array_pixmap(a: np.ndarray, side: int, smooth: bool = False) -> QPixmap:
    """H×W (gray) or H×W×3 (RGB) values in [0, 1] as a pixmap scaled to fit side."""
    rgb = np.repeat(a[..., None], 3, axis=2) if a.ndim == 2 else a
    data = np.ascontiguousarray((np.clip(rgb, 0, 1) * 255).astype(np.uint8))
    h, w, _ = data.shape
    image = QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    mode = (
        Qt.TransformationMode.SmoothTransformation
        if smooth
        else Qt.TransformationMode.FastTransformation
    )
    return QPixmap.fromImage(image).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, mode)


def pil_pixmap(img: Image.Image, side: int) -> QPixmap:
    rgb = np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0
    return array_pixmap(rgb, side, smooth=True)


def saliency_overlay(model_input: np.ndarray, saliency: np.ndarray) -> np.ndarray:
    """The network's input (C×H×W) in gray with the saliency map glowing red on top."""
    base = model_input.mean(axis=0) if model_input.shape[0] == 3 else model_input[0]
    rgb = np.repeat(base[..., None], 3, axis=2) * 0.6
    heat = saliency[..., None] * np.array([1.0, 0.25, 0.0])
    return np.clip(rgb + heat, 0, 1)
