"""Augmentation: the settings as text, Kornia's changes on batches, and where they cannot
apply."""

import dataclasses
import sys

import pytest
import torch

from cli_helpers import run_playground
from playground.core.data.augmentation import Augmentation, AugmentationError, augmenter
from playground.core.data.ref import DatasetRef, Preprocessing
from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.io.project import Project, load_project, save_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer
from playground.core.workflows.transfer import prepare_transfer

RGB = Preprocessing("image", (0.5,) * 3, (0.25,) * 3, (16, 16), 3)


def test_settings_read_and_written_as_text():
    a = Augmentation.parse(" rotate=15, flip ,crop=0.30,jitter=0.2")
    assert (a.crop, a.flip, a.rotate, a.jitter) == (0.3, True, 15.0, 0.2)
    assert str(a) == "crop=0.3,flip,rotate=15,jitter=0.2"
    assert Augmentation.parse(str(a)) == a
    assert not Augmentation.parse("none").active and str(Augmentation.parse("")) == ""
    assert TrainConfig(augment="flip, crop=0.3").augment == "crop=0.3,flip"


@pytest.mark.parametrize(
    "text,message",
    [
        ("blur", "unknown augmentation 'blur' (use crop, flip, rotate, jitter"),
        ("crop=2", "crop (the share of the picture a random crop may cut away) must be from 0"),
        ("rotate", "rotate needs a strength from 0 to 180"),
        ("jitter=lots", "jitter needs a strength"),
        ("flip=1", "flip takes no strength"),
        ("crop=0.1,crop=0.2", "crop is given twice"),
        ("rotate=nan", "must be a finite number"),
    ],
)
def test_bad_settings_say_what_is_wrong_in_one_line(text, message):
    with pytest.raises(AugmentationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Augmentation.parse(text)
    with pytest.raises(PlaygroundError, match="bad training settings: "):
        TrainConfig.from_dict({"augment": text})


def test_flip_mirrors_about_half_and_keeps_the_rest():
    x = torch.rand(64, 3, 16, 16) * 4 - 2  # normalised values of [0, 1] pixels
    out = augmenter(Augmentation(flip=True), RGB)(x)
    mirrored = (out - x.flip(3)).abs().amax((1, 2, 3)) < 1e-5
    same = (out - x).abs().amax((1, 2, 3)) < 1e-5
    assert (mirrored | same).all() and 10 < int(mirrored.sum()) < 54


def test_every_change_keeps_shape_and_pixel_range():
    x = (torch.rand(8, 3, 16, 16) - 0.5) / 0.25
    out = augmenter(Augmentation.parse("crop=0.5,flip,rotate=90,jitter=0.5"), RGB)(x)
    assert out.shape == x.shape and not torch.allclose(out, x)
    pixels = out * 0.25 + 0.5
    assert pixels.min() >= -1e-5 and pixels.max() <= 1 + 1e-5


def test_where_augmentation_cannot_apply_it_says_why(tmp_path):
    points = Preprocessing("points", (0.0, 0.0), (1.0, 1.0))
    with pytest.raises(AugmentationError, match="xor holds 2-D points"):
        augmenter(Augmentation(flip=True), points, "xor")
    gray = dataclasses.replace(RGB, mean=(0.5,), std=(0.25,), channels=1)
    with pytest.raises(AugmentationError, match="colour jitter needs colour pictures"):
        augmenter(Augmentation(jitter=0.2), gray, "mnist5k")
    with pytest.raises(AugmentationError, match="caches them: turn augmentation off"):
        prepare_transfer(tmp_path, TrainConfig(augment="flip"))


def test_without_kornia_it_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "kornia", None)
    with pytest.raises(AugmentationError, match=r"needs Kornia: pip install -e \"\.\[augment\]\""):
        augmenter(Augmentation(flip=True), RGB)
    assert augmenter(Augmentation(), RGB) is None  # off: needs nothing


def test_training_sees_augmented_batches_and_the_project_keeps_the_setting(tmp_path):
    d = load_dataset(DatasetRef("mnist5k"), seed=0)
    small = dataclasses.replace(d, x_train=d.x_train[:256], y_train=d.y_train[:256])
    spec = preset("mlp", small.input_shape, 10)
    losses = []
    for augment in ("", "crop=0.3,rotate=20"):
        t = Trainer(spec, small, TrainConfig(epochs=1, batch_size=64, augment=augment))
        t.run()
        losses.append(t.history.epochs[-1].train_loss)
    assert losses[0] != losses[1]  # the same seed, batches and start: only augmentation differs
    path = tmp_path / "augmented.playground"
    save_project(path, Project(spec, small.ref, t.config))
    assert load_project(path).config.augment == "crop=0.3,rotate=20"


def test_cli_takes_augment_and_refuses_bad_values_in_one_line(tmp_path):
    r = run_playground("train", "mlp", "--augment", "crop=2", "--epochs", "1")
    assert r.returncode != 0 and r.stderr.strip().count("\n") == 0
    assert "crop (the share of the picture a random crop may cut away) must be" in r.stderr
    out = tmp_path / "aug.playground"
    args = ("--augment", "flip,crop=0.2", "--epochs", "1", "--json", "-o", str(out))
    r = run_playground("train", "mlp", "--dataset", "mnist5k", *args)
    assert r.returncode == 0, r.stderr
    assert load_project(out).config.augment == "crop=0.2,flip"
