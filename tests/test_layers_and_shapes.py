import pytest
import torch

from playground.core.errors import ShapeError
from playground.core.model.build import build_model
from playground.core.model.layers import CATALOG, GROUPS
from playground.core.model.presets import PRESETS, preset
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import LayerSpec, NetworkSpec

L = LayerSpec.make
REQUIRED = {
    "Linear",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Dropout",
    "Flatten",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "GELU",
    "Softmax",
}


def test_catalog_is_complete_and_explained():
    assert set(CATALOG) >= REQUIRED
    for t in CATALOG.values():
        assert t.group in GROUPS
        assert len(t.explanation) > 60, t.name
        for p in t.params:
            assert p.check(p.default) == p.default


def _torch_shapes(model, input_shape):
    """Each layer's output shape as torch makes it (a graph's nodes each from their inputs)."""
    from playground.core.model.build import node_outputs

    outputs = node_outputs(model, torch.zeros(2, *input_shape), (torch.nn.Module,))
    return [tuple(out.shape[1:]) for _, out in outputs]


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("input_shape,classes", [((1, 28, 28), 10), ((3, 32, 32), 4), ((2,), 2)])
def test_presets_match_torch(name, input_shape, classes):
    spec = preset(name, input_shape, classes)
    report = infer_shapes(spec, classes)
    if len(input_shape) == 1 and name in ("lenet5", "small-cnn"):
        assert not report.ok and "needs an image input" in report.error
        return
    if name == "transfer":  # the pretrained backbone takes photos as ImageNet's network did
        assert not report.ok and "takes 3×224×224 colour photos" in report.error
        return
    assert report.ok, report.error
    model = build_model(spec, classes)
    assert [i.output_shape for i in report.layers] == _torch_shapes(model, input_shape)
    for info, module in zip(report.layers, model, strict=True):
        assert info.param_count == sum(p.numel() for p in module.parameters())
    assert report.total_params == sum(p.numel() for p in model.parameters())
    assert report.output_shape == (classes,)


def test_every_layer_type_matches_torch():
    layers = [
        L("Conv2d", out_channels=4, kernel_size=3, stride=2, padding=1, bias=False),
        L("BatchNorm2d"),
        L("Conv2d", out_channels=8, kernel_size=3, padding=1, groups=4),
        L("LeakyReLU", negative_slope=0.2),
        L("AvgPool2d", kernel_size=3, stride=1, padding=1),
        L("MaxPool2d", kernel_size=2),
        L("GELU"),
        L("Flatten"),
        L("Dropout", p=0.1),
        L("Linear", out_features=7),
        L("BatchNorm1d"),
        L("Tanh"),
        L("Sigmoid"),
        L("Linear", out_features=3, bias=False),
        L("Softmax"),
    ]
    spec = NetworkSpec((3, 15, 17), tuple(layers))
    report = infer_shapes(spec, 3)
    assert report.ok, report.error
    model = build_model(spec, 3)
    assert [i.output_shape for i in report.layers] == _torch_shapes(model, (3, 15, 17))
    assert report.total_params == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize(
    "layers,input_shape,expected",
    [
        (
            [L("Conv2d"), L("Linear", out_features=10)],
            (1, 28, 28),
            "Layer 2 (Linear): Linear needs a flat input (C×H×W = 16×26×26 given): "
            "add Flatten above",
        ),
        (
            [L("Flatten"), L("Conv2d")],
            (1, 28, 28),
            "Layer 2 (Conv2d): Conv2d needs an image input C×H×W (784 features given)",
        ),
        ([L("Conv2d", kernel_size=7)], (1, 5, 5), "window does not fit the 5×5 input"),
        (
            [L("Conv2d", out_channels=6, groups=4)],
            (8, 9, 9),
            "Layer 1 (Conv2d): groups 4 does not divide the 8 input and 6 output channels: "
            "set groups to one of 1, 2 (or out_channels to 8 with groups 8: depthwise)",
        ),
        ([L("BatchNorm2d")], (4,), "BatchNorm2d needs an image input"),
        (
            [L("Flatten"), L("Linear", out_features=5)],
            (1, 28, 28),
            "ends with 5 outputs but the data set has 10 classes: "
            "set the last Linear's out_features",
        ),
        ([L("Conv2d")], (1, 28, 28), "image-shaped output"),
        ([], (1, 28, 28), "no layers"),
        ([L("ReLU")], (10,), "no weights, so it cannot learn"),
    ],
)
def test_shape_errors_name_layer_problem_and_fix(layers, input_shape, expected):
    report = infer_shapes(NetworkSpec(input_shape, tuple(layers)), 10)
    assert not report.ok
    assert expected in report.error
    with pytest.raises(ShapeError):
        build_model(NetworkSpec(input_shape, tuple(layers)), 10)


def test_error_marks_the_bad_layer_and_later_layers_have_no_shape():
    spec = NetworkSpec((1, 28, 28), (L("Linear"), L("ReLU"), L("Linear", out_features=10)))
    report = infer_shapes(spec, 10)
    assert report.layers[0].error and report.layers[0].output_shape is None
    assert report.layers[1].output_shape is None and report.layers[1].error is None
