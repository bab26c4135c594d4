"""Block layers (MBConv, residual): shapes and parameter counts as torch has them."""

import pytest
import torch

from playground.core.inspect.probes import feature_maps
from playground.core.model.blocks import same_padding
from playground.core.model.build import build_model
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import LayerSpec, NetworkSpec

L = LayerSpec.make


@pytest.mark.parametrize(
    "input_shape,layers",
    [
        (
            (3, 15, 17),
            [
                L("ZeroPad2d", right=1, bottom=1),
                L("MBConv", out_channels=8, expansion=1, stride=2),
                L("MBConv", out_channels=8, kernel_size=5, se_ratio=0.25),
                L("MBConv", out_channels=12, expansion=4, stride=2, kernel_size=5),
                L("MBConv", out_channels=12, skip=False),
            ],
        ),
        (
            (2, 9, 8),
            [
                L("Residual", out_channels=2),
                L("Residual", out_channels=6),
                L("Residual", out_channels=6, stride=2),
                L("Residual", out_channels=6, stride=3),
                L("ReLU6"),
            ],
        ),
    ],
)
def test_blocks_match_torch(input_shape, layers):
    spec = NetworkSpec(input_shape, (*layers, L("GlobalAvgPool2d"), L("Linear", out_features=3)))
    report = infer_shapes(spec, 3)
    assert report.ok, report.error
    model = build_model(spec, 3).eval()
    x = torch.randn(2, *input_shape)
    for info, module in zip(report.layers, model, strict=True):
        x = module(x)
        assert info.output_shape == tuple(x.shape[1:]), info.type
        assert info.param_count == sum(p.numel() for p in module.parameters()), info.type


def test_skip_connection_only_where_shapes_match():
    spec = NetworkSpec((4, 8, 8), (L("MBConv", out_channels=4), L("MBConv", out_channels=5)))
    same, wider = build_model(spec)
    assert same.skip and not wider.skip
    with torch.no_grad():  # a block whose projection outputs zeros passes its input through
        same.project[1].weight.zero_()
        same.project[1].bias.zero_()
    x = torch.randn(1, 4, 8, 8)
    assert torch.equal(same.eval()(x), x)


@pytest.mark.parametrize(
    "size,kernel,stride,expected",
    [(224, 3, 2, (0, 1)), (56, 5, 2, (1, 2)), (7, 3, 1, (1, 1)), (15, 1, 2, (0, 0))],
)
def test_same_padding_puts_the_odd_zero_after(size, kernel, stride, expected):
    assert same_padding(size, kernel, stride) == expected


def test_blocks_need_images():
    report = infer_shapes(NetworkSpec((10,), (L("MBConv"),)))
    assert "MBConv needs an image input" in report.error


def test_feature_maps_show_each_block():
    spec = NetworkSpec(
        (3, 16, 16),
        (
            L("Conv2d", out_channels=4),
            L("MBConv", out_channels=8, stride=2),
            L("Residual", out_channels=8),
            L("GlobalAvgPool2d"),
            L("Linear", out_features=2),
        ),
    )
    maps = feature_maps(build_model(spec, 2), torch.zeros(3, 16, 16))
    assert [(name, m.shape) for name, m in maps] == [
        ("1 Conv2d", (4, 14, 14)),
        ("2 MBConv", (8, 7, 7)),
        ("3 Residual", (8, 7, 7)),
    ]
