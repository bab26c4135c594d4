"""The torch modules behind the catalog's block layers (MBConv, residual) and global pooling.

Convolutions inside blocks pad like TensorFlow's "same": the output is ceil(size / stride)
and an odd zero goes after (bottom, right). Pretrained EfficientNet weights come from
TensorFlow, and PyTorch's symmetric padding would shift every strided window by one pixel.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from playground.core.model.geometry import (
    mbconv_skips,
    residual_projects,
    same_padding,
    se_squeezed,
    strided,
)


class SameConv2d(nn.Conv2d):
    """A bias-free Conv2d padded like TensorFlow's "same" for one input size."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int,
        size: tuple[int, int],
        groups: int = 1,
    ) -> None:
        (top, bottom), (left, right) = (same_padding(s, kernel_size, stride) for s in size)
        even = top == bottom and left == right
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding=(top, left) if even else 0,  # the convolution pads itself: one op less
            groups=groups,
            bias=False,
        )
        self.extra_padding = None if even else (left, right, top, bottom)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.extra_padding is not None:
            x = F.pad(x, self.extra_padding)
        return super().forward(x)


def _conv_bn(
    cin: int, cout: int, kernel: int, stride: int, size: tuple[int, int], groups: int = 1
) -> list[nn.Module]:
    return [SameConv2d(cin, cout, kernel, stride, size, groups), nn.BatchNorm2d(cout)]


class SqueezeExcite(nn.Module):
    """Rescales each channel by a gate computed from the whole feature map's average."""

    def __init__(self, channels: int, squeezed: int) -> None:
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.expand = nn.Conv2d(squeezed, channels, 1)
        self.act = nn.ReLU6()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = self.expand(self.act(self.reduce(x.mean((2, 3), keepdim=True))))
        return x * torch.sigmoid(gate)


class MBConv(nn.Module):
    """Inverted residual: 1×1 expand, depthwise k×k, squeeze-excite, 1×1 project, skip."""

    def __init__(
        self,
        in_shape: tuple[int, int, int],
        out_channels: int,
        expansion: int,
        kernel_size: int,
        stride: int,
        se_ratio: float,
        skip: bool,
    ) -> None:
        super().__init__()
        cin, h, w = in_shape
        hidden = cin * expansion
        self.expand = (
            nn.Sequential(*_conv_bn(cin, hidden, 1, 1, (h, w)), nn.ReLU6())
            if expansion != 1
            else nn.Identity()
        )
        self.depthwise = nn.Sequential(
            *_conv_bn(hidden, hidden, kernel_size, stride, (h, w), groups=hidden), nn.ReLU6()
        )
        squeezed = se_squeezed(cin, se_ratio)
        self.se = SqueezeExcite(hidden, squeezed) if squeezed else nn.Identity()
        self.project = nn.Sequential(*_conv_bn(hidden, out_channels, 1, 1, strided((h, w), stride)))
        self.skip = mbconv_skips(cin, out_channels, stride, skip)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.skip else y


class Residual(nn.Module):
    """ResNet's basic block: two 3×3 convolutions plus a shortcut, then ReLU."""

    def __init__(self, in_shape: tuple[int, int, int], out_channels: int, stride: int) -> None:
        super().__init__()
        cin, h, w = in_shape
        self.body = nn.Sequential(
            *_conv_bn(cin, out_channels, 3, stride, (h, w)),
            nn.ReLU(),
            *_conv_bn(out_channels, out_channels, 3, 1, strided((h, w), stride)),
        )
        self.shortcut = (
            nn.Identity()
            if not residual_projects(cin, out_channels, stride)
            else nn.Sequential(*_conv_bn(cin, out_channels, 1, stride, (h, w)))
        )
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.body(x) + self.shortcut(x))


class GlobalAvgPool2d(nn.Module):
    """The mean of each channel over the whole image: C×H×W → C."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean((2, 3))


class Merge(nn.Module):
    """Where branches meet: Add and Multiply value by value, Concat along dimension 1."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        if self.kind == "Concat":
            return torch.cat(inputs, dim=1)
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x if self.kind == "Add" else out * x
        return out

    def extra_repr(self) -> str:
        return self.kind
