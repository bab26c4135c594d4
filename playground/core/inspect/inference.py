"""Classify user images: preprocess them the way the training data were made, then predict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch import nn

from playground.core.data.dataset import apply_normalisation, point_inputs
from playground.core.data.preprocess import preprocess
from playground.core.data.ref import REGRESSION, Preprocessing
from playground.core.inspect.familiarity import Familiarity, fit_familiarity, stranger_warning
from playground.core.model.build import build_model, logits_part
from playground.core.model.spec import NetworkSpec


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
    unchecked: str = ""  # why there is no stranger check, where it could not be calibrated

    @property
    def stranger(self) -> bool:
        return self.strangeness is not None and self.strangeness > 1


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


def raw_input_names(pre: Preprocessing) -> list[str]:
    """What a person types to ask a network of numbers: a table's inputs, a point's x₁ and
    x₂ (whatever features are made of them), or sine's x."""
    if pre.features or (len(pre.mean) == 2 and not pre.inputs):
        return ["x₁", "x₂"]
    return list(pre.inputs) or ["x"]


@dataclass(frozen=True)
class RawField:
    """One thing a person gives to ask a network of numbers: a number, or the category of a
    table's one-hot column (each category is one of the network's inputs)."""

    name: str
    start: float = 0.0  # a number's value to begin with: its training mean
    categories: tuple[str, ...] = ()

    def inputs(self, given: float) -> list[float]:
        """The network's raw inputs for a number given, or for the index of a category."""
        if not self.categories:
            return [given]
        return [float(i == int(given)) for i in range(len(self.categories))]


def raw_input_fields(pre: Preprocessing) -> list[RawField]:
    """The fields to ask a network of numbers with: a number per input, but one field per
    one-hot column of a table, listing its categories (its inputs are "colour=red", …,
    neither shifted nor scaled)."""
    names = raw_input_names(pre)
    if not pre.inputs:
        means = [0.0] * len(names) if pre.features else list(pre.mean)
        return [RawField(n, m) for n, m in zip(names, means, strict=True)]
    fields: list[RawField] = []
    for name, mean, std in zip(pre.inputs, pre.mean, pre.std, strict=True):
        column, one_hot, value = name.partition("=")
        if not (one_hot and mean == 0.0 and std == 1.0):
            fields.append(RawField(name, mean))
        elif fields and fields[-1].categories and fields[-1].name == column:
            fields[-1] = RawField(column, categories=(*fields[-1].categories, value))
        else:
            fields.append(RawField(column, categories=(value,)))
    return fields


@torch.no_grad()
def answer_numbers(model: nn.Module, raw: list[float], pre: Preprocessing, names: list[str]) -> str:
    """The network's answer for raw input values, as a line: the predicted number, or the
    classes by probability ("setosa 97 %, versicolor 3 %")."""
    x = point_inputs(torch.tensor([raw], dtype=torch.float32), pre)
    out = logits_part(model)(x)
    if pre.task == REGRESSION:
        mean, std = pre.target
        return f"{names[0]} ≈ {float(out[0, 0]) * std + mean:.4g}"
    p = torch.softmax(out[0], dim=0)
    order = torch.argsort(p, descending=True)[:3].tolist()
    return ", ".join(f"{names[i]} {float(p[i]):.0%}" for i in order)


def snapshot_familiarity(spec, classes: int, weights, x_val, check=lambda: None):
    """fit_familiarity of a network built from a weight snapshot (weights of spec) on the
    validation inputs x_val; check() between pieces (it raises to stop)."""
    model = inference_model(spec, classes, weights)
    return fit_familiarity(logits_part(model), x_val, check)
