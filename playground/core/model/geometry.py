"""Shapes and the sizes inside blocks: plain arithmetic shared by the catalog and the modules."""

from __future__ import annotations

Shape = tuple[int, ...]


def strided(size: tuple[int, int], stride: int) -> tuple[int, int]:
    """The height and width after a "same"-padded convolution at stride: ceil(size / stride)."""
    return -(-size[0] // stride), -(-size[1] // stride)


def se_squeezed(in_channels: int, se_ratio: float) -> int:
    """Channels in the squeeze-excite bottleneck; 0 when se_ratio turns it off."""
    return max(1, int(in_channels * se_ratio)) if se_ratio > 0 else 0


def residual_projects(in_channels: int, out_channels: int, stride: int) -> bool:
    """Whether a residual shortcut needs a 1×1 convolution to match the body's output shape."""
    return stride != 1 or in_channels != out_channels


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """(before, after) zeros that make a kernel at stride give ceil(size / stride) outputs."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def mbconv_skips(in_channels: int, out_channels: int, stride: int, skip: bool) -> bool:
    """Whether the input is added to the output: only when their shapes are equal."""
    return skip and stride == 1 and in_channels == out_channels
