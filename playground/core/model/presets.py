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


PRESETS: dict[str, tuple[str, Callable[[Shape, int], list[LayerSpec]]]] = {
    "perceptron": ("Perceptron", perceptron),
    "mlp": ("MLP", mlp),
    "lenet5": ("LeNet-5", lenet5),
    "small-cnn": ("Small CNN", small_cnn),
    "deep-sigmoid": ("Deep sigmoid MLP (vanishing gradients)", deep_sigmoid),
    "transfer": ("Transfer learning (EfficientNet-Lite0 features, frozen)", transfer_layers),
}


def preset(name: str, input_shape: Shape, classes: int) -> NetworkSpec:
    """The named preset for this input shape and number of classes; KeyError if unknown."""
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
    return NetworkSpec(tuple(input_shape), tuple(PRESETS[name][1](input_shape, classes)))
