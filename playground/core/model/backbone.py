"""The pretrained backbone as one layer card: EfficientNet-Lite0 trained on ImageNet, up to its
pooled 1,280 features, frozen (or with its last blocks fine-tuned), under any head."""

from __future__ import annotations

import torch
from torch import nn

from playground.core.model.build import backbone_weights, build_model
from playground.core.model.efficientnet import FEATURES
from playground.core.model.spec import NetworkSpec


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
