"""The pretrained backbone as one layer card: EfficientNet-Lite0 trained on ImageNet, up to its
pooled 1,280 features, frozen (or with its last blocks fine-tuned), under any head."""

from __future__ import annotations

import functools

import torch
from torch import nn

from playground.core.model.build import build_model
from playground.core.model.efficientnet import (
    FEATURES,
    FINE_TUNED_BLOCKS,
    FROZEN_LAYERS,
    INPUT_SHAPE,
    feature_layers,
    lite0_spec,
    load_weights,
)
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec

# the layers that fine-tuning lets learn: the last blocks, the head convolution and its
# BatchNorm (ReLU6 and the pooling after them have no weights)
TUNED_FROM = len(feature_layers()) - 3 - FINE_TUNED_BLOCKS


@functools.cache
def backbone_weights() -> dict[str, torch.Tensor]:
    """The ImageNet weights of the backbone's layers (read once; load_state_dict copies them,
    so nothing ever writes to these)."""
    return {k: v for k, v in load_weights().items() if int(k.split(".")[0]) < FROZEN_LAYERS}


@functools.cache
def backbone_params() -> int:
    """The backbone's parameter count (3,371,008)."""
    return infer_shapes(NetworkSpec(INPUT_SHAPE, tuple(feature_layers()))).total_params


class Backbone(nn.Sequential):
    """Always in eval mode: its BatchNorm keeps ImageNet's statistics, which a few photos per
    batch would only spoil, also where fine-tuning trains its last blocks."""

    def train(self, mode: bool = True) -> Backbone:
        return super().train(False)


def backbone(fine_tune: bool = False) -> Backbone:
    """EfficientNet-Lite0 up to its pooled FEATURES, ImageNet weights; frozen, or with its last
    FINE_TUNED_BLOCKS blocks and head convolution learning when fine_tune."""
    model = Backbone(*build_model(lite0_spec())[:FROZEN_LAYERS])
    model.load_state_dict(backbone_weights())
    model.requires_grad_(False)
    if fine_tune:
        model[TUNED_FROM:].requires_grad_(True)
    return model.eval()


def whole_weights(head: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A network's weights from those of the layers after its backbone (layer 0): the
    backbone's are ImageNet's, since a frozen backbone never changes."""
    return {f"0.{k}": v for k, v in backbone_weights().items()} | head


def head_weights(weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The weights of the layers after the backbone (layer 0)."""
    return {k: v for k, v in weights.items() if not k.startswith("0.")}


def head_model(spec: NetworkSpec, classes: int | None = None) -> nn.Sequential:
    """spec's model without its backbone: an Identity in its place keeps every other layer's
    index, so its weights have their names in the whole network. It learns from the
    backbone's cached features."""
    head = build_model(head_spec(spec), classes)
    return nn.Sequential(nn.Identity(), *head)


def head_spec(spec: NetworkSpec) -> NetworkSpec:
    """The layers after the backbone, on its FEATURES."""
    return NetworkSpec((FEATURES,), spec.layers[1:])
