"""Why this answer: maps of the input pixels that drove a class's score, made with Captum.

Every method returns an H×W map in [0, 1] aligned with the network's input, so that the maps
of one image can be shown side by side. Captum is the `explain` extra, imported on use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from playground.core.data.dataset import apply_normalisation
from playground.core.data.ref import Preprocessing
from playground.core.errors import PlaygroundError
from playground.core.inspect.inference import input_saliency
from playground.core.model.build import logits_part

# points of Integrated Gradients' integral: on the ImageNet network the attributions add up
# to the score difference within ~3 % (16 points: 12 %; 64 points: 2 %, at twice the time)
IG_STEPS = 32
IG_BATCH = 16  # interpolated images per forward: bounds the memory of a big network
OCCLUSION_PER_EVAL = 32  # occluded copies per forward
INSTALL_HINT = 'pip install -e ".[explain]"'


class ExplainError(PlaygroundError):
    """An explanation that cannot be made for this network, class or installation."""


@dataclass(frozen=True)
class Explanation:
    """A method's map for one image and class."""

    method: str
    target: int  # the class explained
    probability: float  # the network's probability for that class
    heatmap: np.ndarray  # (H, W) float32 in [0, 1]


def saliency(model: nn.Module, x: torch.Tensor, target: int) -> np.ndarray:
    """The largest |gradient| of target's score over each pixel's channels (x: 1×C×H×W)."""
    x = x.detach().clone().requires_grad_(True)
    return input_saliency(logits_part(model)(x), x, target)


def grad_cam(model: nn.Module, x: torch.Tensor, target: int) -> np.ndarray:
    """Grad-CAM at the last layer with a spatial output, upsampled to the input's size."""
    from captum.attr import LayerAttribution, LayerGradCam

    logits = logits_part(model)
    layer = grad_cam_layer(logits, x)
    cam = LayerGradCam(logits, layer).attribute(x, target=target, relu_attributions=True)
    up = LayerAttribution.interpolate(cam.detach(), tuple(x.shape[2:]), "bilinear")
    return _unit(up[0, 0])


def ig_attributions(
    model: nn.Module,
    x: torch.Tensor,
    target: int,
    baseline: torch.Tensor | None = None,
    steps: int = IG_STEPS,
) -> torch.Tensor:
    """Integrated Gradients' C×H×W attributions of target's score from baseline (zeros if
    None) to x; they add up to score(x) − score(baseline)."""
    from captum.attr import IntegratedGradients

    ig = IntegratedGradients(logits_part(model))
    base = torch.zeros_like(x) if baseline is None else baseline
    attr = ig.attribute(x, base, target=target, n_steps=steps, internal_batch_size=IG_BATCH)
    return attr.detach()[0]


def integrated_gradients(
    model: nn.Module, x: torch.Tensor, target: int, baseline: torch.Tensor | None = None
) -> np.ndarray:
    """|Integrated Gradients| summed over each pixel's channels."""
    return _unit(ig_attributions(model, x, target, baseline).sum(0).abs())


def occlusion(
    model: nn.Module, x: torch.Tensor, target: int, baseline: torch.Tensor | None = None
) -> np.ndarray:
    """How much target's score drops when a square patch (1/7 of the side) is replaced by
    baseline (zeros if None); only drops count."""
    from captum.attr import Occlusion

    side = max(1, min(x.shape[2:]) // 7)
    stride = max(1, side // 2)
    attr = Occlusion(logits_part(model)).attribute(
        x,
        sliding_window_shapes=(x.shape[1], side, side),
        strides=(x.shape[1], stride, stride),
        baselines=0 if baseline is None else baseline,
        target=target,
        perturbations_per_eval=OCCLUSION_PER_EVAL,
    )
    # every channel of a pixel is occluded together: channel 0 holds the whole drop
    return _unit(attr.detach()[0, 0].clamp(min=0))


Method = Callable[..., np.ndarray]
METHODS: dict[str, tuple[str, Method]] = {
    "saliency": ("Saliency", saliency),
    "gradcam": ("Grad-CAM", grad_cam),
    "ig": ("Integrated Gradients", integrated_gradients),
    "occlusion": ("Occlusion", occlusion),
}
TAKE_BASELINE = ("ig", "occlusion")
POOLING = (nn.MaxPool2d, nn.AvgPool2d)


def explain(
    model: nn.Module,
    picture: np.ndarray,
    pre: Preprocessing,
    method: str,
    target: int | None = None,
) -> Explanation:
    """method's map for the preprocessed picture (C×H×W in [0, 1], as preprocess makes it)
    and target (None: the top class); model on the CPU in eval mode. The baseline of
    Integrated Gradients and occlusion is a black picture."""
    if method not in METHODS:
        raise ExplainError(f"unknown method '{method}' (use {', '.join(METHODS)})")
    x = apply_normalisation(torch.from_numpy(picture), pre).unsqueeze(0)
    with torch.no_grad():
        probs = torch.softmax(logits_part(model)(x), dim=1)[0]
    target = int(probs.argmax()) if target is None else target
    if not 0 <= target < len(probs):
        raise ExplainError(f"class {target} does not exist: the network has {len(probs)}")
    extra: dict[str, Any] = {}
    if method in TAKE_BASELINE:
        black = np.zeros_like(picture)
        extra["baseline"] = apply_normalisation(torch.from_numpy(black), pre).unsqueeze(0)
    heatmap = _with_captum(METHODS[method][1], model, x, target, **extra)
    return Explanation(method, target, float(probs[target]), heatmap)


def class_index(name: str, class_names: list[str]) -> int:
    """The index of a class given by name (any case) or by number; ExplainError naming some
    classes."""
    if name in class_names:
        return class_names.index(name)
    folded = [c.casefold() for c in class_names]
    if name.casefold() in folded:
        return folded.index(name.casefold())
    if name.isdigit() and int(name) < len(class_names):
        return int(name)
    some = ", ".join(class_names[:5]) + (" …" if len(class_names) > 5 else "")
    raise ExplainError(
        f"no class '{name}': give a class name ({some}) or a number below {len(class_names)}"
    )


def grad_cam_layer(model: nn.Sequential, x: torch.Tensor) -> nn.Module:
    """The last layer whose output is still an image (N×C×H×W, H·W > 1), pooling aside: it
    only makes the same maps coarser. On small-cnn trained one epoch on mnist5k, the maps
    after its last ReLU peak in the digit's box for 45 of 50 digits."""
    # a block of layers (the pretrained backbone's card) is looked into: its last maps count
    layers = [inner for m in model for inner in (m if isinstance(m, nn.Sequential) else [m])]
    shapes: dict[int, torch.Size] = {}
    hooks = [
        m.register_forward_hook(lambda m, args, out, i=i: shapes.update({i: out.shape}))
        for i, m in enumerate(layers)
    ]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    spatial = [
        i
        for i, s in shapes.items()
        if len(s) == 4 and s[2] * s[3] > 1 and not isinstance(layers[i], POOLING)
    ]
    if not spatial:
        raise ExplainError(
            "Grad-CAM needs a network with convolution layers, and this one has none: "
            "use saliency, ig or occlusion"
        )
    return layers[max(spatial)]


def _with_captum(method: Method, *args: Any, **kwargs: Any) -> np.ndarray:
    try:
        return method(*args, **kwargs)
    except ModuleNotFoundError as e:
        if (e.name or "").partition(".")[0] != "captum":
            raise
        raise ExplainError(f"this method needs Captum: {INSTALL_HINT}") from None


def _unit(a: torch.Tensor) -> np.ndarray:
    """a scaled into [0, 1] by its maximum (all zeros stay zeros), as float32 numpy."""
    top = float(a.max())
    return (a / top if top > 0 else torch.zeros_like(a)).numpy().astype(np.float32)


def explain_snapshot(
    method: str, job: tuple, model: nn.Module | None, check: Callable[[], None]
) -> tuple[nn.Module, Explanation | str]:
    """(the model, method's Explanation or why it cannot be made for this network). job:
    (spec, classes, weights, picture, preprocessing, target); the model is built from the weight
    snapshot when None, and handed back for the next method. check() raises to stop."""
    from playground.core.inspect.inference import inference_model

    spec, classes, weights, picture, pre, target = job
    if model is None:
        model = inference_model(spec, classes, weights)
    check()
    # a cancel ends the work within one forward pass: occlusion and Integrated Gradients run
    # hundreds of them, tens of seconds on a pretrained network on a CPU
    hook = model.register_forward_pre_hook(lambda *_: check())
    try:
        return model, explain(model, picture, pre, method, target)
    except ExplainError as e:  # expected (Grad-CAM of a network without convolutions)
        return model, str(e)
    finally:
        hook.remove()
