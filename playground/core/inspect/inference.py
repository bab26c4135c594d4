"""Classify user images: preprocess them the way the training data were made, then predict."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

from playground.core.data.dataset import apply_normalisation
from playground.core.data.imageio import WORK_SIDE, image_array, open_image, to_mode
from playground.core.data.ref import Preprocessing
from playground.core.errors import PlaygroundError
from playground.core.inspect.familiarity import Familiarity, stranger_warning
from playground.core.model.build import build_model, logits_part
from playground.core.model.spec import NetworkSpec

DIGIT_BOX = 20  # MNIST digits fit a 20×20 box, centred by mass in 28×28
CROP_FRACTION = 0.875  # ImageNet networks are judged on the centred 224 of a photo's 256


@dataclass(frozen=True)
class Prediction:
    """Classes sorted by probability, the network's input as a picture, and a saliency map."""

    top: list[tuple[str, float]]
    probabilities: np.ndarray  # (classes,)
    model_input: np.ndarray  # (C, H, W) in [0, 1], what the network saw
    saliency: np.ndarray  # (H, W) in [0, 1]
    # how unlike the training data the input is (see core.familiarity): above 1, a stranger;
    # None when the network has no statistics of its training data
    strangeness: float | None = None
    warning: str = ""  # for a stranger: what it is not like, in words

    @property
    def stranger(self) -> bool:
        return self.strangeness is not None and self.strangeness > 1


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


def classify(
    model: nn.Sequential,
    img: Image.Image,
    pre: Preprocessing,
    class_names: list[str],
    top_k: int = 5,
    familiarity: Familiarity | None = None,
) -> Prediction:
    """Probabilities for one image (model on CPU, eval mode), the input's saliency and, given
    the training data's familiarity, how strange the input is."""
    picture = preprocess(img, pre)
    x = apply_normalisation(torch.from_numpy(picture), pre).unsqueeze(0).requires_grad_(True)
    logits = logits_part(model)(x)
    strangeness, warning = None, ""
    if familiarity is not None:
        strangeness = float(familiarity.strangeness(logits.detach())[0])
        warning = stranger_warning(class_names, pre) if strangeness > 1 else ""
    probs = torch.softmax(logits, dim=1)[0]
    saliency = input_saliency(logits, x, int(probs.argmax()))
    p = probs.detach().numpy()
    order = np.argsort(-p)[: max(1, top_k)]
    top = [(class_names[i] if i < len(class_names) else str(i), float(p[i])) for i in order]
    return Prediction(top, p, picture, saliency, strangeness, warning)


@dataclass(frozen=True)
class Classifier:
    """A trained network as plain values: all that classifying needs, in any thread."""

    spec: NetworkSpec
    names: list[str]
    pre: Preprocessing
    weights: dict[str, torch.Tensor]
    familiarity: Familiarity | None = None

    def model(self) -> nn.Sequential:
        """A new CPU model of its own, in eval mode."""
        return inference_model(self.spec, len(self.names), self.weights)


def input_saliency(logits: torch.Tensor, x: torch.Tensor, target: int) -> np.ndarray:
    """H×W in [0, 1]: how strongly each pixel moves target's score (the largest |gradient|
    over the channels); x is the 1×C×H×W input, requiring grad, that logits came from."""
    logits[0, target].backward()
    grad = x.grad[0].abs().amax(dim=0).numpy()
    return (grad / grad.max() if grad.max() > 0 else grad).astype(np.float32)


def inference_model(
    spec: NetworkSpec, num_classes: int, weights: dict[str, torch.Tensor]
) -> nn.Sequential:
    """A new CPU model in eval mode holding a copy of weights (which may live on any device)."""
    model = build_model(spec, num_classes)
    model.load_state_dict(weights)  # copies into the new model's own CPU tensors
    model.eval()
    model.requires_grad_(False)  # saliency needs gradients for the input only
    return model


def inference_copy(model: nn.Module) -> nn.Sequential:
    """A CPU copy in eval mode, safe to use while the original trains on."""
    import copy

    clone = copy.deepcopy(model).to("cpu").eval()
    clone.requires_grad_(False)  # saliency needs gradients for the input only
    return clone
