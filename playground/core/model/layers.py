"""The layer catalog: every layer type a network can use, its parameters, shape rule and builder."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core.errors import ShapeError
from playground.core.limits import brief
from playground.core.model.geometry import (
    Shape,
    residual_projects,
    se_squeezed,
    strided,
)

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class Param:
    """One editable parameter of a layer type."""

    name: str
    kind: type  # int, float or bool
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    zero_is: str = ""  # the parameter whose value 0 stands for (a pool's stride: its window)
    # added after files were written without it: saved only when set, so files stay as they were
    saved_if_set: bool = False

    def saved(self, value: Any) -> bool:
        """Whether a spec file writes this parameter's value."""
        return not self.saved_if_set or value != self.default

    def check(self, value: Any) -> Any:
        """Return value converted to this parameter's kind, or raise ValueError saying why."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.name} must be true or false, not {brief(value)}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{self.name} must be a number, not {brief(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{self.name} must be a finite number, not {value}")
        if self.kind is int and isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{self.name} must be a whole number, not {value!r}")
        # range before conversion: float() of a huge int would overflow
        shown = value if abs(value) < 1e15 else "a number far outside that range"
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{self.name} must be at least {_fmt(self.minimum)}, not {shown}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{self.name} must be at most {_fmt(self.maximum)}, not {shown}")
        try:
            return self.kind(value)
        except OverflowError:  # an int too large for a float, where there is no maximum
            raise ValueError(f"{self.name} must be a finite number, not {shown}") from None


@dataclass(frozen=True)
class LayerType:
    """A kind of layer: what it needs, what it explains, how its shape and module are made."""

    name: str
    group: str
    params: tuple[Param, ...]
    explanation: str
    output_shape: Callable[[Shape, dict[str, Any]], Shape]
    param_count: Callable[[Shape, dict[str, Any]], int]
    build: Callable[[Shape, dict[str, Any]], nn.Module]
    summary: Callable[[dict[str, Any]], str] = lambda p: ""
    merges: bool = False  # takes two or more inputs: its rules get a tuple of their shapes

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


GROUPS = ("layers", "convolution", "activations", "regularisation", "merge", "pretrained")


def _nn():
    """torch.nn, imported when a model is first built: reading the catalog (the window does, to
    open) never waits for PyTorch to load."""
    from torch import nn

    return nn


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def shape_text(shape: Shape) -> str:
    """Human form of a shape: 1×28×28, or 784."""
    return "×".join(str(d) for d in shape)


def _describe(shape: Shape) -> str:
    if len(shape) == 1:
        return f"{shape[0]} features"
    return f"C×H×W = {shape_text(shape)}"


def _need_flat(name: str, shape: Shape) -> int:
    if len(shape) != 1:
        raise ShapeError(
            f"{name} needs a flat input ({_describe(shape)} given)", "add Flatten above"
        )
    return shape[0]


def _need_image(name: str, shape: Shape) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise ShapeError(
            f"{name} needs an image input C×H×W ({_describe(shape)} given)",
            f"move {name} above Flatten and Linear, or use image data",
        )
    return shape  # type: ignore[return-value]


def _spatial(name: str, shape: Shape, kernel: int, stride: int, padding: int) -> Shape:
    c, h, w = _need_image(name, shape)
    oh = (h + 2 * padding - kernel) // stride + 1
    ow = (w + 2 * padding - kernel) // stride + 1
    if oh < 1 or ow < 1:
        raise ShapeError(
            f"{name}'s {kernel}×{kernel} window does not fit the {h}×{w} input",
            "use a smaller kernel_size, add padding, or remove a pooling layer above",
        )
    return (c, oh, ow)


def _identity(shape: Shape, p: dict[str, Any]) -> Shape:
    return shape


def _no_params(shape: Shape, p: dict[str, Any]) -> int:
    return 0


# --- layers ------------------------------------------------------------------------------


def _linear_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    _need_flat("Linear", shape)
    return (p["out_features"],)


def _linear_count(shape: Shape, p: dict[str, Any]) -> int:
    return shape[0] * p["out_features"] + (p["out_features"] if p["bias"] else 0)


def _flatten_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    n = 1
    for d in shape:
        n *= d
    return (n,)


# --- convolution -----------------------------------------------------------------------


def _conv_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    c, oh, ow = _spatial("Conv2d", shape, p["kernel_size"], p["stride"], p["padding"])
    groups, out = p["groups"], p["out_channels"]
    if c % groups or out % groups:
        fits = [g for g in range(1, min(c, out) + 1) if c % g == 0 and out % g == 0]
        raise ShapeError(
            f"groups {groups} does not divide the {c} input and {out} output channels",
            f"set groups to one of {', '.join(map(str, fits[-6:]))}"
            + (f" (or out_channels to {c} with groups {c}: depthwise)" if c > 1 else ""),
        )
    return (out, oh, ow)


def _conv_count(shape: Shape, p: dict[str, Any]) -> int:
    k, out = p["kernel_size"], p["out_channels"]
    return shape[0] // p["groups"] * out * k * k + (out if p["bias"] else 0)


def _conv_summary(p: dict[str, Any]) -> str:
    k, groups = p["kernel_size"], p["groups"]
    return f"{p['out_channels']} filters {k}×{k}" + (f", {groups} groups" if groups > 1 else "")


def _pool_shape(name: str) -> Callable[[Shape, dict[str, Any]], Shape]:
    def rule(shape: Shape, p: dict[str, Any]) -> Shape:
        stride = p["stride"] or p["kernel_size"]
        return _spatial(name, shape, p["kernel_size"], stride, p["padding"])

    return rule


def _pool_build(name: str) -> Callable[[Shape, dict[str, Any]], nn.Module]:
    def build(shape: Shape, p: dict[str, Any]) -> nn.Module:
        cls = getattr(_nn(), name)
        return cls(p["kernel_size"], stride=p["stride"] or p["kernel_size"], padding=p["padding"])

    return build


def _pool_padding_check(rule: Callable) -> Callable:
    def checked(shape: Shape, p: dict[str, Any]) -> Shape:
        if p["padding"] * 2 > p["kernel_size"]:
            raise ShapeError(
                f"padding {p['padding']} is more than half the {p['kernel_size']}×"
                f"{p['kernel_size']} pooling window",
                "lower padding or raise kernel_size",
            )
        return rule(shape, p)

    return checked


def _zero_pad_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    c, h, w = _need_image("ZeroPad2d", shape)
    return (c, h + p["top"] + p["bottom"], w + p["left"] + p["right"])


def _global_pool_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    channels = _need_image("GlobalAvgPool2d", shape)[0]
    return (channels, 1, 1) if p["keepdim"] else (channels,)


def _global_pool_build(shape: Shape, p: dict[str, Any]) -> nn.Module:
    # C×1×1 is plain torch (the Python export writes it); the flat one is our own module
    return _nn().AdaptiveAvgPool2d(1) if p["keepdim"] else _blocks().GlobalAvgPool2d()


# --- blocks (in the convolution group) ----------------------------------------------------


def _conv_bn_count(cin: int, cout: int, kernel: int, groups: int = 1) -> int:
    """A bias-free convolution and its BatchNorm's scale and shift."""
    return cin // groups * cout * kernel * kernel + 2 * cout


def _block_shape(name: str) -> Callable[[Shape, dict[str, Any]], Shape]:
    def rule(shape: Shape, p: dict[str, Any]) -> Shape:
        _, h, w = _need_image(name, shape)
        return (p["out_channels"], *strided((h, w), p["stride"]))

    return rule


def _mbconv_count(shape: Shape, p: dict[str, Any]) -> int:
    cin, cout = shape[0], p["out_channels"]
    hidden = cin * p["expansion"]
    squeezed = se_squeezed(cin, p["se_ratio"])
    return (
        (_conv_bn_count(cin, hidden, 1) if p["expansion"] != 1 else 0)
        + _conv_bn_count(hidden, hidden, p["kernel_size"], groups=hidden)
        + (2 * hidden * squeezed + squeezed + hidden if squeezed else 0)
        + _conv_bn_count(hidden, cout, 1)
    )


def _residual_count(shape: Shape, p: dict[str, Any]) -> int:
    cin, cout = shape[0], p["out_channels"]
    shortcut = _conv_bn_count(cin, cout, 1) if residual_projects(cin, cout, p["stride"]) else 0
    return _conv_bn_count(cin, cout, 3) + _conv_bn_count(cout, cout, 3) + shortcut


def _blocks():
    """The block modules, imported when a model is first built (they need torch)."""
    from playground.core.model import blocks

    return blocks


def _mbconv_summary(p: dict[str, Any]) -> str:
    stride = f", stride {p['stride']}" if p["stride"] != 1 else ""
    k = p["kernel_size"]
    return f"{p['out_channels']} ch, ×{p['expansion']}, {k}×{k}{stride}"


# --- regularisation ------------------------------------------------------------------------


def _bn1d_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    _need_flat("BatchNorm1d", shape)
    return shape


def _bn2d_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    _need_image("BatchNorm2d", shape)
    return shape


def _bn_count(shape: Shape, p: dict[str, Any]) -> int:
    return 2 * shape[0]


_KERNEL = Param("kernel_size", int, 3, 1, 31, "Size of the square window, in pixels.")
_STRIDE = Param("stride", int, 1, 1, 16, "How many pixels the window moves each step.")
_PADDING = Param("padding", int, 0, 0, 15, "Zeros added around the border before sliding.")
_BIAS = Param("bias", bool, True, help="Add a learnable constant to each output.")
_POOL_KERNEL = Param("kernel_size", int, 2, 1, 16, "Size of the square pooling window.")
_POOL_STRIDE = Param(
    "stride", int, 0, 0, 16, "Step of the window; 0 means the window size.", "kernel_size"
)
_POOL_PADDING = Param("padding", int, 0, 0, 8, "Border added before pooling.")


def _activation(
    name: str, module: Callable[[dict[str, Any]], nn.Module], text: str, params=()
) -> LayerType:
    return LayerType(
        name=name,
        group="activations",
        params=tuple(params),
        explanation=text,
        output_shape=_identity,
        param_count=_no_params,
        build=lambda shape, p: module(p),
    )


CATALOG: dict[str, LayerType] = {}


def _register(t: LayerType) -> None:
    CATALOG[t.name] = t


_register(
    LayerType(
        "Linear",
        "layers",
        (Param("out_features", int, 64, 1, 65536, "Number of neurons in this layer."), _BIAS),
        "A fully connected layer: every output neuron computes a weighted sum of all inputs "
        "plus a bias. The weights and biases are what gradient descent learns. It needs a flat "
        "list of numbers as input, so put Flatten after image layers.",
        _linear_shape,
        _linear_count,
        lambda s, p: _nn().Linear(s[0], p["out_features"], bias=p["bias"]),
        lambda p: f"{p['out_features']} neuron{'s' * (p['out_features'] != 1)}",
    )
)
_register(
    LayerType(
        "Flatten",
        "layers",
        (),
        "Unrolls an image (channels × height × width) into one long list of numbers, so that "
        "Linear layers can use it. It has nothing to learn.",
        _flatten_shape,
        _no_params,
        lambda s, p: _nn().Flatten(),
    )
)
_register(
    LayerType(
        "Conv2d",
        "convolution",
        (
            Param("out_channels", int, 16, 1, 2048, "Number of filters, one feature map each."),
            _KERNEL,
            _STRIDE,
            _PADDING,
            _BIAS,
            Param(
                "groups",
                int,
                1,
                1,
                2048,
                "Split the channels into this many groups, each filtered on its own; as many "
                "groups as channels is a depthwise convolution.",
                saved_if_set=True,
            ),
        ),
        "A convolution slides small learnable filters over the image. Each filter looks for one "
        "pattern (an edge, a curve, a texture) everywhere in the picture and produces a feature "
        "map that lights up where the pattern is found. With groups, each filter sees only its "
        "group's channels: as many groups as channels filters each channel on its own "
        "(depthwise, as in MobileNet), for a fraction of the weights.",
        _conv_shape,
        _conv_count,
        lambda s, p: _nn().Conv2d(
            s[0],
            p["out_channels"],
            p["kernel_size"],
            p["stride"],
            p["padding"],
            groups=p["groups"],
            bias=p["bias"],
        ),
        _conv_summary,
    )
)
_register(
    LayerType(
        "MaxPool2d",
        "convolution",
        (_POOL_KERNEL, _POOL_STRIDE, _POOL_PADDING),
        "Shrinks each feature map by keeping only the strongest value in every small window. "
        "The network becomes cheaper and less sensitive to exactly where a pattern appears.",
        _pool_padding_check(_pool_shape("MaxPool2d")),
        _no_params,
        _pool_build("MaxPool2d"),
        lambda p: f"{p['kernel_size']}×{p['kernel_size']}",
    )
)
_register(
    LayerType(
        "AvgPool2d",
        "convolution",
        (_POOL_KERNEL, _POOL_STRIDE, _POOL_PADDING),
        "Shrinks each feature map by averaging every small window, a smoother alternative to "
        "max pooling.",
        _pool_padding_check(_pool_shape("AvgPool2d")),
        _no_params,
        _pool_build("AvgPool2d"),
        lambda p: f"{p['kernel_size']}×{p['kernel_size']}",
    )
)
_register(
    LayerType(
        "ZeroPad2d",
        "convolution",
        tuple(
            Param(side, int, 0, 0, 64, f"Rows or columns of zeros added on the {side}.")
            for side in ("left", "right", "top", "bottom")
        ),
        "Adds a border of zeros around each feature map, possibly more on one side than the "
        "other. Networks trained with TensorFlow pad the extra pixel of a strided convolution "
        "on the bottom and right; this layer lets a PyTorch network do the same.",
        _zero_pad_shape,
        _no_params,
        lambda s, p: _nn().ZeroPad2d((p["left"], p["right"], p["top"], p["bottom"])),
        lambda p: f"{p['left']} {p['right']} {p['top']} {p['bottom']}",
    )
)
_register(
    LayerType(
        "GlobalAvgPool2d",
        "convolution",
        (
            Param(
                "keepdim",
                bool,
                False,
                help="Keep the output C×1×1 instead of C: a gate per channel that Multiply "
                "can apply to a C×H×W map (squeeze-and-excite).",
                saved_if_set=True,
            ),
        ),
        "Averages each feature map over the whole image, leaving one number per channel: "
        "C×H×W becomes C. Modern networks use it instead of Flatten before the last Linear "
        "layer: far fewer weights, and any image size gives the same output size. With "
        "keepdim it gives C×1×1, which 1×1 convolutions can read: squeeze-and-excite does.",
        _global_pool_shape,
        _no_params,
        _global_pool_build,
        lambda p: "keeps C×1×1" if p["keepdim"] else "",
    )
)
_register(
    LayerType(
        "MBConv",
        "convolution",
        (
            Param("out_channels", int, 16, 1, 2048, "Channels the block puts out."),
            Param("expansion", int, 6, 1, 8, "How many times wider the inside is than the input."),
            Param("kernel_size", int, 3, 1, 9, "Size of the depthwise convolution's window."),
            Param("stride", int, 1, 1, 4, "2 halves the height and width."),
            Param("se_ratio", float, 0.0, 0.0, 1.0, "Squeeze-and-excite width; 0 means none."),
            Param("skip", bool, True, help="Add the input to the output when shapes match."),
        ),
        "The inverted residual block of MobileNetV2 and EfficientNet. A 1×1 convolution widens "
        "the channels (expansion), a depthwise convolution filters each channel on its own "
        "(cheap), an optional squeeze-and-excite gate reweighs the channels, and a 1×1 "
        "convolution narrows them again; each convolution is followed by batch normalisation "
        "and ReLU6, except the last. When the output has the input's shape, the input is added "
        "back (the skip connection), so gradients flow straight through deep stacks.",
        _block_shape("MBConv"),
        _mbconv_count,
        lambda s, p: _blocks().MBConv(
            s,  # type: ignore[arg-type]
            p["out_channels"],
            p["expansion"],
            p["kernel_size"],
            p["stride"],
            p["se_ratio"],
            p["skip"],
        ),
        _mbconv_summary,
    )
)
_register(
    LayerType(
        "Residual",
        "convolution",
        (
            Param("out_channels", int, 16, 1, 2048, "Channels the block puts out."),
            Param("stride", int, 1, 1, 4, "2 halves the height and width."),
        ),
        "ResNet's basic block: two 3×3 convolutions with batch normalisation, and a shortcut "
        "that adds the block's input to their result before the final ReLU. The convolutions "
        "only learn what to change (the residual), which lets networks hundreds of layers deep "
        "train. When the shape changes, a 1×1 convolution fits the shortcut to it.",
        _block_shape("Residual"),
        _residual_count,
        lambda s, p: _blocks().Residual(s, p["out_channels"], p["stride"]),  # type: ignore[arg-type]
        lambda p: (
            f"{p['out_channels']} ch" + (f", stride {p['stride']}" if p["stride"] > 1 else "")
        ),
    )
)
_register(
    LayerType(
        "BatchNorm1d",
        "regularisation",
        (),
        "Rescales each feature so that, over a batch, it has mean 0 and spread 1, then lets the "
        "network learn its own scale and shift. Training becomes faster and steadier. For flat "
        "inputs.",
        _bn1d_shape,
        _bn_count,
        lambda s, p: _nn().BatchNorm1d(s[0]),
    )
)
_register(
    LayerType(
        "BatchNorm2d",
        "regularisation",
        (),
        "Batch normalisation for images: each channel is rescaled to mean 0 and spread 1 over "
        "the batch, with a learnable scale and shift per channel.",
        _bn2d_shape,
        _bn_count,
        lambda s, p: _nn().BatchNorm2d(s[0]),
    )
)
_register(
    LayerType(
        "Dropout",
        "regularisation",
        (Param("p", float, 0.5, 0.0, 0.95, "Fraction of values set to zero while training."),),
        "While training, randomly switches off a fraction of the values so that the network "
        "cannot rely on any single neuron. This fights overfitting. It does nothing when the "
        "network is used to classify.",
        _identity,
        _no_params,
        lambda s, p: _nn().Dropout(p["p"]),
        lambda p: f"p = {p['p']:g}",
    )
)
_register(
    _activation(
        "ReLU",
        lambda p: _nn().ReLU(),
        "Rectified linear unit: keeps positive values and turns negatives into 0. Simple, fast, "
        "and the usual choice between layers; its gradient does not vanish for positive inputs.",
    )
)
_register(
    _activation(
        "ReLU6",
        lambda p: _nn().ReLU6(),
        "ReLU capped at 6: keeps values between 0 and 6. Mobile networks (MobileNet, "
        "EfficientNet-Lite) use it because a bounded range survives 8-bit arithmetic on phones.",
    )
)
_register(
    _activation(
        "LeakyReLU",
        lambda p: _nn().LeakyReLU(p["negative_slope"]),
        "Like ReLU, but negative values are multiplied by a small slope instead of becoming 0, "
        "so a neuron never stops learning completely.",
        (Param("negative_slope", float, 0.01, 0.0, 1.0, "Slope for negative inputs."),),
    )
)
_register(
    _activation(
        "Sigmoid",
        lambda p: _nn().Sigmoid(),
        "Squashes any value into the range 0 to 1 with an S-shaped curve. Historic and "
        "intuitive, but its gradient is at most 0.25, so deep stacks of sigmoids learn slowly: "
        "the vanishing gradient problem.",
    )
)
_register(
    _activation(
        "Tanh",
        lambda p: _nn().Tanh(),
        "Squashes values into -1 to 1 with an S-shaped curve centred on 0. Better than sigmoid "
        "between layers, but its gradient still vanishes for large inputs.",
    )
)
_register(
    _activation(
        "GELU",
        lambda p: _nn().GELU(),
        "Gaussian error linear unit: a smooth version of ReLU used in modern transformers.",
    )
)
_register(
    _activation(
        "Softmax",
        lambda p: _nn().Softmax(dim=1),
        "Turns the last layer's scores into probabilities that are all positive and add up to "
        "1: the probability vector at the output. Place it last; the loss is computed from the "
        "scores before it.",
    )
)

# --- pretrained ----------------------------------------------------------------------------
PHOTO_SHAPE = (3, 224, 224)
BACKBONE_PARAMS = 3_371_008  # EfficientNet-Lite0's features (a test counts them from its layers)


def _built_by_build_py(shape: Shape, p: dict[str, Any]) -> nn.Module:
    """The backbone is made of catalog cards itself: build.backbone_module builds it."""
    raise TypeError("build the pretrained backbone with build.make_module")


def _backbone_shape(shape: Shape, p: dict[str, Any]) -> Shape:
    if tuple(shape) != PHOTO_SHAPE:
        raise ShapeError(
            f"EfficientNet-Lite0 takes 3×224×224 colour photos, not {shape_text(shape)}",
            "add photos with Data set ▸ Add image folder…",
        )
    return (1280,)


_register(
    LayerType(
        "EfficientNet-Lite0",
        "pretrained",
        (
            Param(
                "fine_tune",
                bool,
                False,
                help="Let its last 2 blocks learn from your photos too. Then there is no "
                "feature cache: every step runs the whole network, far slower on a CPU.",
            ),
        ),
        "EfficientNet-Lite0 trained on ImageNet's 1.3 million photos, without its classifier: "
        "a 224×224 photo becomes 1,280 numbers that say what is in it (Network ▸ Pretrained ▸ "
        "ImageNet classifier shows its 20 layers card by card). Frozen, it learns nothing: "
        "Train computes its features of your photos once and keeps them, and the layers under "
        "it train in seconds. This is transfer learning.",
        _backbone_shape,
        lambda s, p: BACKBONE_PARAMS,
        _built_by_build_py,
        lambda p: "2 blocks learn" if p["fine_tune"] else "frozen",
    )
)

# --- merges: where the branches of a graph meet -------------------------------------------


def _is_gate(shape: Shape) -> bool:
    """A C×1×1 map: one number per channel, that torch spreads over a C×H×W map."""
    return len(shape) == 3 and shape[1:] == (1, 1)


def _value_by_value(shapes: tuple[Shape, ...]) -> Shape:
    """The shape of Add or Multiply: its inputs' one shape, where a C×1×1 gate per channel
    counts as the C×H×W map it is spread over."""
    at = next((i for i, s in enumerate(shapes) if not _is_gate(s)), 0)
    full = shapes[at]
    for i, other in enumerate(shapes, start=1):
        spread = _is_gate(other) and len(full) == 3 and other[0] == full[0]
        if other != full and not spread:
            raise ShapeError(
                f"in{i} is {shape_text(other)} but in{at + 1} is {shape_text(full)}",
                _gate_hint(full, other) or _match_hint(full, other),
            )
    return full


def _gate_hint(want: Shape, got: Shape) -> str:
    """What fits where got looks meant as a gate per channel of want; "" where it does not."""
    if len(want) != 3 or want[1:] == (1, 1):
        return ""
    gate = f"a gate per channel must be {want[0]}×1×1"
    if _is_gate(got):
        return f"{gate}: give its last Conv2d {want[0]} out_channels"
    if got == want[:1]:
        return f"{gate}: turn on keepdim in its GlobalAvgPool2d"
    return ""


def _match_hint(want: Shape, got: Shape) -> str:
    """How to make a branch's shape got match want, said as the card to add."""
    if len(want) == 3 and len(got) == 3:
        stride = got[1] // want[1] if want[1] and got[1] % want[1] == 0 else 0
        if stride > 1:
            return f"give the shortcut a 1×1 Conv2d with {want[0]} out_channels and stride {stride}"
        if got[1:] == want[1:]:
            return f"give the shortcut a 1×1 Conv2d with {want[0]} out_channels"
        return "make both branches downsample alike (the same strides and pooling)"
    if len(want) == 1 and len(got) == 1:
        return f"give the shorter branch a Linear with {want[0]} out_features"
    return "flatten both branches, or neither"


def _concat_shape(shapes: tuple[Shape, ...], p: dict[str, Any]) -> Shape:
    first = shapes[0]
    for i, other in enumerate(shapes[1:], start=2):
        if len(other) != len(first) or other[1:] != first[1:]:
            what = "height and width" if len(first) == 3 else "rank"
            raise ShapeError(
                f"in{i} is {shape_text(other)} but in1 is {shape_text(first)}: Concat joins "
                f"along channels and needs the same {what}",
                _match_hint(first, other),
            )
    return (sum(s[0] for s in shapes), *first[1:])


def _merge_type(name: str, rule: Callable, explanation: str) -> LayerType:
    return LayerType(
        name,
        "merge",
        (),
        explanation,
        rule,
        _no_params,
        lambda shapes, p: _blocks().Merge(name),
        merges=True,
    )


_register(
    _merge_type(
        "Add",
        lambda shapes, p: _value_by_value(shapes),
        "Adds its inputs value by value: where a shortcut meets its block (ResNet). The "
        "gradient flows back to both inputs unchanged, so deep networks still learn. The "
        "inputs must have the same shape, or one is C×1×1: a number per channel, added to "
        "the whole map.",
    )
)
_register(
    _merge_type(
        "Concat",
        _concat_shape,
        "Joins its inputs along the channels (or features): the branches of an Inception "
        "block side by side. Each input keeps its own maps.",
    )
)
_register(
    _merge_type(
        "Multiply",
        lambda shapes, p: _value_by_value(shapes),
        "Multiplies its inputs value by value: one branch gates the other (attention, "
        "squeeze-and-excite). The inputs must have the same shape, or one is a C×1×1 gate "
        "(GlobalAvgPool2d with keepdim, then 1×1 convolutions) that scales each channel of a "
        "C×H×W map.",
    )
)

for _t in CATALOG.values():
    for _p in _t.params:
        _p.check(_p.default)


def layer_type(name: str) -> LayerType:
    """The catalog entry for a type name; KeyError with the known names if there is none."""
    try:
        return CATALOG[name]
    except KeyError:
        known = ", ".join(CATALOG)
        raise KeyError(f"unknown layer type {brief(name)} (known: {known})") from None
