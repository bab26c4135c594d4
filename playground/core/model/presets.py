"""Ready-made networks to start from; each adapts to the data set's input shape and classes."""

from __future__ import annotations

from collections.abc import Callable

from playground.core.model.efficientnet import transfer_layers
from playground.core.model.layers import Shape
from playground.core.model.spec import LayerSpec, NetworkSpec

L = LayerSpec.make


def _flatten_if_image(shape: Shape) -> list[LayerSpec]:
    return [L("Flatten")] if len(shape) > 1 else []


def perceptron(shape: Shape, classes: int) -> list[LayerSpec]:
    return [*_flatten_if_image(shape), L("Linear", out_features=classes)]


def mlp(shape: Shape, classes: int) -> list[LayerSpec]:
    return [
        *_flatten_if_image(shape),
        L("Linear", out_features=128),
        L("ReLU"),
        L("Linear", out_features=64),
        L("ReLU"),
        L("Linear", out_features=classes),
    ]


def lenet5(shape: Shape, classes: int) -> list[LayerSpec]:
    return [
        L("Conv2d", out_channels=6, kernel_size=5, padding=2),
        L("ReLU"),
        L("MaxPool2d", kernel_size=2),
        L("Conv2d", out_channels=16, kernel_size=5),
        L("ReLU"),
        L("MaxPool2d", kernel_size=2),
        L("Flatten"),
        L("Linear", out_features=120),
        L("ReLU"),
        L("Linear", out_features=84),
        L("ReLU"),
        L("Linear", out_features=classes),
    ]


def small_cnn(shape: Shape, classes: int) -> list[LayerSpec]:
    return [
        L("Conv2d", out_channels=16, kernel_size=3, padding=1),
        L("ReLU"),
        L("MaxPool2d", kernel_size=2),
        L("Conv2d", out_channels=32, kernel_size=3, padding=1),
        L("ReLU"),
        L("MaxPool2d", kernel_size=2),
        L("Flatten"),
        L("Linear", out_features=64),
        L("ReLU"),
        L("Dropout", p=0.25),
        L("Linear", out_features=classes),
    ]


def deep_sigmoid(shape: Shape, classes: int) -> list[LayerSpec]:
    hidden = [layer for _ in range(6) for layer in (L("Linear", out_features=32), L("Sigmoid"))]
    return [*_flatten_if_image(shape), *hidden, L("Linear", out_features=classes)]


def deep_sigmoid_skip(shape: Shape, classes: int) -> list[LayerSpec]:
    """deep_sigmoid's depth with a shortcut around each sigmoid layer after the first:
    h + sigmoid(Linear(h)), so the gradient has a short path back to the first layers."""
    nodes = [L("Flatten").wired("flat", ["input"])] if len(shape) > 1 else []
    nodes += [
        L("Linear", out_features=32).wired("fc1", [nodes[0].id if nodes else "input"]),
        L("Sigmoid").wired("s1", ["fc1"]),
    ]
    previous = "s1"
    for i in range(2, 7):
        nodes += [
            L("Linear", out_features=32).wired(f"fc{i}", [previous]),
            L("Sigmoid").wired(f"s{i}", [f"fc{i}"]),
            L("Add").wired(f"skip{i}", [previous, f"s{i}"]),
        ]
        previous = f"skip{i}"
    return [*nodes, L("Linear", out_features=classes).wired("out", [previous])]


def resnet_small(shape: Shape, classes: int) -> list[LayerSpec]:
    """Two residual blocks (an identity shortcut, then a projection with stride 2) on images;
    one residual block of dense layers on points."""
    if len(shape) == 1:
        return [
            L("Linear", out_features=64).wired("fc1", ["input"]),
            L("ReLU").wired("r1", ["fc1"]),
            L("Linear", out_features=64).wired("fc2", ["r1"]),
            L("ReLU").wired("r2", ["fc2"]),
            L("Linear", out_features=64).wired("fc3", ["r2"]),
            L("Add").wired("skip", ["fc3", "r1"]),
            L("ReLU").wired("r3", ["skip"]),
            L("Linear", out_features=classes).wired("out", ["r3"]),
        ]
    conv = lambda n, k, s=1: L("Conv2d", out_channels=n, kernel_size=k, stride=s, padding=k // 2)  # noqa: E731
    return [
        conv(16, 3).wired("stem", ["input"]),
        L("BatchNorm2d").wired("stem_bn", ["stem"]),
        L("ReLU").wired("stem_relu", ["stem_bn"]),
        conv(16, 3).wired("a1", ["stem_relu"]),
        L("BatchNorm2d").wired("a1_bn", ["a1"]),
        L("ReLU").wired("a1_relu", ["a1_bn"]),
        conv(16, 3).wired("a2", ["a1_relu"]),
        L("BatchNorm2d").wired("a2_bn", ["a2"]),
        L("Add").wired("a_add", ["a2_bn", "stem_relu"]),  # identity shortcut
        L("ReLU").wired("a_out", ["a_add"]),
        conv(32, 3, 2).wired("b1", ["a_out"]),
        L("BatchNorm2d").wired("b1_bn", ["b1"]),
        L("ReLU").wired("b1_relu", ["b1_bn"]),
        conv(32, 3).wired("b2", ["b1_relu"]),
        L("BatchNorm2d").wired("b2_bn", ["b2"]),
        conv(32, 1, 2).wired("b_proj", ["a_out"]),  # projection: the shape changes
        L("BatchNorm2d").wired("b_proj_bn", ["b_proj"]),
        L("Add").wired("b_add", ["b2_bn", "b_proj_bn"]),
        L("ReLU").wired("b_out", ["b_add"]),
        L("GlobalAvgPool2d").wired("pool", ["b_out"]),
        L("Linear", out_features=classes).wired("out", ["pool"]),
    ]


def inception_small(shape: Shape, classes: int) -> list[LayerSpec]:
    """One Inception block: 1×1, 3×3 and 5×5 convolutions and a pooling branch side by side,
    joined along the channels (on points: three dense branches of different widths)."""
    if len(shape) == 1:
        return [
            L("Linear", out_features=8).wired("narrow", ["input"]),
            L("Linear", out_features=32).wired("wide", ["input"]),
            L("Tanh").wired("wide_tanh", ["wide"]),
            L("Concat").wired("join", ["narrow", "wide_tanh", "input"]),
            L("ReLU").wired("relu", ["join"]),
            L("Linear", out_features=classes).wired("out", ["relu"]),
        ]
    conv = lambda n, k: L("Conv2d", out_channels=n, kernel_size=k, padding=k // 2)  # noqa: E731
    return [
        conv(16, 3).wired("stem", ["input"]),
        L("ReLU").wired("stem_relu", ["stem"]),
        L("MaxPool2d", kernel_size=2).wired("stem_pool", ["stem_relu"]),
        conv(8, 1).wired("b1x1", ["stem_pool"]),
        conv(8, 1).wired("b3_reduce", ["stem_pool"]),
        conv(12, 3).wired("b3x3", ["b3_reduce"]),
        conv(4, 1).wired("b5_reduce", ["stem_pool"]),
        conv(6, 5).wired("b5x5", ["b5_reduce"]),
        L("MaxPool2d", kernel_size=3, stride=1, padding=1).wired("bpool", ["stem_pool"]),
        conv(6, 1).wired("bpool_proj", ["bpool"]),
        L("Concat").wired("join", ["b1x1", "b3x3", "b5x5", "bpool_proj"]),
        L("ReLU").wired("join_relu", ["join"]),
        L("MaxPool2d", kernel_size=2).wired("pool", ["join_relu"]),
        L("Flatten").wired("flat", ["pool"]),
        L("Linear", out_features=classes).wired("out", ["flat"]),
    ]


PRESETS: dict[str, tuple[str, Callable[[Shape, int], list[LayerSpec]]]] = {
    "perceptron": ("Perceptron", perceptron),
    "mlp": ("MLP", mlp),
    "lenet5": ("LeNet-5", lenet5),
    "small-cnn": ("Small CNN", small_cnn),
    "deep-sigmoid": ("Deep sigmoid MLP (vanishing gradients)", deep_sigmoid),
    "deep-sigmoid-skip": ("Deep sigmoid MLP with skip connections (graph)", deep_sigmoid_skip),
    "resnet-small": ("Small ResNet: residual blocks (graph)", resnet_small),
    "inception-small": ("Small Inception: branches side by side (graph)", inception_small),
    "transfer": ("Transfer learning (EfficientNet-Lite0 features, frozen)", transfer_layers),
}


def preset(name: str, input_shape: Shape, classes: int) -> NetworkSpec:
    """The named preset for this input shape and number of classes; KeyError if unknown."""
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
    layers = tuple(PRESETS[name][1](input_shape, classes))
    output = layers[-1].id if layers and layers[-1].id else ""  # a graph ends at its last node
    return NetworkSpec(tuple(input_shape), layers, output)
