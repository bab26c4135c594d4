"""Every boundary refuses bad input with one clear PlaygroundError, before allocating for it."""

import json

import pytest
from broken_files import (
    bad_exif_jpeg,
    deep_gray_png,
    digits_idx,
    huge_png,
    idx_bytes,
    lab_tiff,
    write_idx_pair,
)
from PIL import Image

from playground.core.data.imageio import ImageError, open_image
from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.errors import DatasetError, PlaygroundError, SpecError
from playground.core.limits import MAX_JSON_DEPTH, json_depth, parse_json
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig


def _spec_text(layers, input_shape=(2,)):
    return json.dumps(
        {
            "format": "playground.network",
            "version": 1,
            "input_shape": list(input_shape),
            "layers": layers,
        }
    )


@pytest.mark.parametrize(
    "text,message",
    [
        (_spec_text([{"type": "Linear", "out_features": 7}]).replace("7", "1e400"), "too large"),
        (_spec_text([{"type": "Linear", "out_features": 10**30}]), "at most 65536"),
        (_spec_text([{"type": "Linear", "out_features": -(10**30)}]), "at least 1"),
        (
            _spec_text([{"type": "Linear", "out_features": float("inf")}]),
            "Infinity is not a number JSON allows",
        ),
        (_spec_text([{"type": "Dropout", "p": float("nan")}]), "NaN is not a number"),
        (_spec_text([{"type": "Linear", "out_features": 7}]).replace("7", "9" * 5000), "not valid"),
        ("[" * 100_000 + "]" * 100_000, f"nests deeper than {MAX_JSON_DEPTH}"),
        ('{"a": ' * 40 + "1" + "}" * 40, f"nests deeper than {MAX_JSON_DEPTH}"),
        (_spec_text([], input_shape=(3, 100_000, 100_000)), "use smaller images"),
        (_spec_text([{"type": "ReLU"}] * 5000), "more than 1,000"),
    ],
)
def test_spec_text_refused_clearly(text, message):
    with pytest.raises(SpecError) as e:
        NetworkSpec.from_json(text)
    assert message in str(e.value)


def test_nan_parameter_refused_even_from_python():
    from playground.core.model.spec import LayerSpec

    for bad in (float("nan"), float("inf")):
        with pytest.raises(SpecError, match="negative_slope must be a finite number"):
            LayerSpec.make("LeakyReLU", negative_slope=bad)


def test_spec_file_too_large_names_the_file(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (5 << 20))
    with pytest.raises(SpecError, match=r"big\.json is larger than 4 MB"):
        NetworkSpec.load(path)
    path.write_text(_spec_text([{"type": "Dropout", "p": 3}]))
    with pytest.raises(SpecError, match=r"big\.json: layer 1: Dropout: p must be at most"):
        NetworkSpec.load(path)


def test_json_depth():
    assert json_depth(1) == 0 and json_depth([]) == 1 and json_depth({"a": [[1]]}) == 3
    assert parse_json(b'{"a": [1.5]}', "x") == {"a": [1.5]}


@pytest.mark.parametrize(
    "settings,message",
    [
        ({"weight_decay": float("nan")}, "weight decay must be a finite number"),
        ({"lr": float("inf")}, "learning rate must be a finite number"),
        ({"seed": 2**64}, "seed must be from 0 to"),
        ({"seed": -1}, "seed must be from 0 to"),
        ({"epochs": 1e400}, "epochs must be a finite number"),
        ({"batch_size": 2.5}, "batch size must be a whole number"),
        ({"momentum": 1.0}, "momentum must be from 0 to 0.999"),
        ({"lr": "fast"}, "learning rate must be a number"),
    ],
)
def test_training_settings_refused_clearly(settings, message):
    with pytest.raises(PlaygroundError, match=message):
        TrainConfig(**settings)
    with pytest.raises(PlaygroundError, match=message):
        TrainConfig.from_dict(settings)


def test_training_settings_from_a_file_are_normalised():
    config = TrainConfig.from_dict({"batch_size": 32.0, "epochs": 3, "seed": 2**63 - 1})
    assert config.batch_size == 32 and isinstance(config.batch_size, int)
    with pytest.raises(PlaygroundError, match="optimizer must be text"):
        TrainConfig.from_dict({"optimizer": ["adam"]})


# --- data-set files and options -------------------------------------------------------------


@pytest.mark.parametrize(
    "images,labels,message",
    [
        (idx_bytes(0x08, [60000, 60000, 60000]), digits_idx(4)[1], "more than the"),
        (idx_bytes(0x0E, [2**31, 2**31]), digits_idx(4)[1], "more than the"),
        (idx_bytes(0x08, [100, 1000, 1000]), digits_idx(4)[1], "would inflate from"),
        (idx_bytes(0x08, [1000, 28, 28], b"\0" * 999), digits_idx(4)[1], "truncated"),
        (idx_bytes(0x08, []), digits_idx(4)[1], "declares no dimensions"),
        (digits_idx(4)[0], idx_bytes(0x08, [], b"\1"), "declares no dimensions"),
        (*digits_idx(20, [0, 1] * 9 + [1, 200]), "labels go up to 200 (sample 20)"),
        (*digits_idx(20, [0, 1] * 9 + [1, -3], 0x09), "label -3 of sample 20 is negative"),
        (*digits_idx(20, [0, 1] * 9 + [1, 0.5], 0x0D), "label 0.5 of sample 20 is not a whole"),
        (*digits_idx(1, [0]), "has 1 sample: too few"),
        (*digits_idx(0, []), "has 0 samples: too few"),
    ],
)
def test_idx_data_refused_clearly(tmp_path, images, labels, message):
    path = write_idx_pair(tmp_path / "idx", images, labels)
    with pytest.raises(DatasetError) as e:
        load_dataset(str(path))
    assert message in str(e.value)


def test_whole_float_labels_are_accepted(tmp_path):
    path = write_idx_pair(tmp_path / "idx", *digits_idx(20, [0.0, 1.0] * 10, 0x0D))
    assert load_dataset(str(path)).num_classes == 2


@pytest.mark.parametrize(
    "options,message",
    [
        ({"samples": float("inf")}, "samples option must be a finite number"),
        ({"samples": "many"}, "samples option must be a whole number"),
        ({"samples": 10**30}, "samples option must be from 20 to"),
        ({"noise": float("nan")}, "noise option must be a finite number"),
        ({"colour": 1}, "has no option colour"),
    ],
)
def test_toy_options_refused_clearly(options, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset(DatasetRef("circle", options))


def test_folder_counts_what_it_skips_and_keeps_a_photo_with_broken_exif(tmp_path):
    for cls, colour in (("red", (220, 20, 20)), ("blue", (20, 20, 220))):
        (tmp_path / cls).mkdir()
        for i in range(3):
            Image.new("RGB", (20, 20), colour).save(tmp_path / cls / f"{i}.png")
    bad_exif_jpeg(tmp_path / "red" / "exif.jpg")
    deep_gray_png(tmp_path / "blue" / "deep.png")
    lab_tiff(tmp_path / "blue" / "lab.tif")
    (tmp_path / "blue" / "junk.png").write_bytes(b"junk")
    d = load_dataset(DatasetRef(str(tmp_path), {"size": 8}))
    assert len(d.x_train) + len(d.x_val) == 9  # 3 + exif, 3 + 16-bit + LAB
    assert d.skipped == ("junk.png is not an image file Neural Playground can read",)
    with pytest.raises(DatasetError, match="size option must be from 8 to 256"):
        load_dataset(DatasetRef(str(tmp_path), {"size": 100_000}))


# --- images ---------------------------------------------------------------------------------


def test_huge_png_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    huge_png(path, 10_925, 10_925)  # 119 megapixels in ~120 KB
    with pytest.raises(ImageError, match=r"huge\.png is too large \(10,925×10,925 pixels\)"):
        open_image(path)


def test_broken_exif_lab_and_deep_images(tmp_path):
    bad_exif_jpeg(tmp_path / "exif.jpg")
    assert open_image(tmp_path / "exif.jpg").size == (24, 24)
    deep_gray_png(tmp_path / "deep.png")
    assert open_image(tmp_path / "deep.png").mode == "L"
    lab_tiff(tmp_path / "lab.tif")  # a middle gray, not Pillow's raw copy of L, a, b as RGB
    r, g, b = open_image(tmp_path / "lab.tif").convert("RGB").getpixel((0, 0))
    assert r == g == b and 110 < r < 130


# --- network size, estimated before building --------------------------------------------------


@pytest.mark.parametrize(
    "input_shape,layers,message",
    [
        (
            (3, 2048, 2048),
            [{"type": "Flatten"}, {"type": "Linear", "out_features": 65536}],
            "Layer 2 (Linear): the network would have 824,633,786,368 weights here",
        ),
        (
            (3, 1024, 1024),
            [{"type": "Conv2d", "out_channels": 1024, "padding": 1}],
            "Layer 1 (Conv2d): the layers up to here make 1,073,741,824 values per sample",
        ),
    ],
)
def test_absurd_network_sizes_are_red_cards_not_failed_allocations(input_shape, layers, message):
    from playground.core.errors import ShapeError
    from playground.core.model.build import build_model
    from playground.core.model.shapes import infer_shapes

    spec = NetworkSpec.from_json(_spec_text(layers, input_shape))
    report = infer_shapes(spec)
    assert report.error is not None and report.error.startswith(message)
    with pytest.raises(ShapeError, match="fewer"):
        build_model(spec)


def test_a_batch_too_big_for_memory_is_refused_before_training():
    import torch

    from playground.core.data.dataset import make_dataset
    from playground.core.model.spec import LayerSpec
    from playground.core.training.trainer import Trainer

    x, y = torch.rand(6, 3, 256, 256), torch.tensor([0, 1] * 3)
    data = make_dataset("big", DatasetRef("big"), x, y, ["a", "b"], "image", 0)
    layers = (
        LayerSpec.make("Conv2d", out_channels=64, padding=1),
        LayerSpec.make("Flatten"),
        LayerSpec.make("Linear", out_features=2),
    )
    spec = NetworkSpec((3, 256, 256), layers)
    with pytest.raises(PlaygroundError, match="lower the batch size to 63 or less"):
        Trainer(spec, data, TrainConfig(batch_size=200))
