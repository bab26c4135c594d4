"""User images made into a network's input the way its training images were made: the MNIST
recipe for digits, the centre crop for photos, a plain resize otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from playground.core.data.imageio import WORK_SIDE, image_array, open_image, to_mode
from playground.core.data.ref import Preprocessing
from playground.core.errors import PlaygroundError
from playground.core.model.efficientnet import INPUT_SHAPE

DIGIT_BOX = 20  # MNIST digits fit a 20×20 box, centred by mass in 28×28
CROP_FRACTION = 0.875  # ImageNet networks are judged on the centred 224 of a photo's 256

# the ImageNet network's inputs: centre crops of photos at 224×224, in colour
IMAGENET_PREPROCESSING = Preprocessing(
    kind="image",
    mean=(127 / 255,) * 3,  # the network was trained on (pixel - 127) / 128, pixels 0…255
    std=(128 / 255,) * 3,
    size=(INPUT_SHAPE[1], INPUT_SHAPE[2]),
    channels=3,
    recipe="centre-crop",
)


def preprocess(img: Image.Image, pre: Preprocessing) -> np.ndarray:
    """C×H×W float32 in [0, 1], made as the training images were."""
    if pre.kind != "image" or pre.size is None or pre.channels is None:
        raise PlaygroundError("this network classifies 2-D points, not images")
    if pre.recipe == "mnist":
        return mnist_recipe(np.asarray(to_mode(img, 1), dtype=np.float32) / 255.0, pre.size)
    if pre.recipe == "centre-crop":
        return image_array(centre_crop(to_mode(img, pre.channels), pre.size), pre.channels)
    resized = img.resize((pre.size[1], pre.size[0]), Image.Resampling.BILINEAR)
    return image_array(resized, pre.channels)


def centre_crop(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The centred box of size's shape spanning CROP_FRACTION of the photo, resized to size."""
    height, width = size
    scale = min(img.width / width, img.height / height) * CROP_FRACTION
    left, top = (img.width - width * scale) / 2, (img.height - height * scale) / 2
    box = (left, top, left + width * scale, top + height * scale)
    # reducing_gap: shrink by whole factors first (3× faster on a photo, the same picture)
    return img.resize((width, height), Image.Resampling.BICUBIC, box=box, reducing_gap=3.0)


def decode_side(pre: Preprocessing) -> int:
    """The least side an image needs decoded at for pre's recipe (JPEGs decode at 1/2 to 1/8
    scale down to it: a 12 MP photo for the ImageNet network in ~35 ms instead of ~240)."""
    if pre.recipe == "centre-crop" and pre.size is not None:
        return 2 * max(pre.size)  # room for a sharp crop
    return WORK_SIDE


def open_photo(path: str | Path, pre: Preprocessing) -> Image.Image:
    """The image file at path decoded no larger than pre's recipe needs."""
    return open_image(path, min_side=decode_side(pre))


def mnist_recipe(gray: np.ndarray, size: tuple[int, int] = (28, 28)) -> np.ndarray:
    """Dark ink on light paper of any size → a centred white-on-black MNIST-style digit."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    ink = 1.0 - gray if np.median(border) > 0.5 else gray.copy()  # MNIST ink is bright
    paper = np.percentile(ink, 50)
    ink = np.clip((ink - paper) / max(1e-6, ink.max() - paper), 0, 1)  # remove the paper's tone
    ink[ink < 0.2] = 0  # speckle and noise of the paper
    rows, cols = np.nonzero(ink > 0.3)
    out = np.zeros(size, dtype=np.float32)
    if len(rows) == 0:
        return out[None]
    crop = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = DIGIT_BOX / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    small = Image.fromarray((crop * 255).astype(np.uint8)).resize((w, h), Image.Resampling.LANCZOS)
    digit = np.asarray(small, dtype=np.float32) / 255.0
    cy, cx = _centre_of_mass(digit)
    top = round(size[0] / 2 - cy)
    left = round(size[1] / 2 - cx)
    top, left = min(max(top, 0), size[0] - h), min(max(left, 0), size[1] - w)
    out[top : top + h, left : left + w] = digit
    return out[None]


def _centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    total = a.sum()
    if total <= 0:
        return a.shape[0] / 2, a.shape[1] / 2
    ys, xs = np.indices(a.shape)
    return float((ys * a).sum() / total), float((xs * a).sum() / total)
