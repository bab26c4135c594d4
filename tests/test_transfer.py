"""Transfer learning: frozen EfficientNet-Lite0 features of a photo folder, cached, a new head."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from cli_helpers import run_playground
from playground.bench.shapes import KINDS, make_photos, photo
from playground.core.data.preprocess import preprocess
from playground.core.errors import DatasetError
from playground.core.inspect.inference import classify, inference_copy
from playground.core.model.build import backbone_module
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.features import FeatureCache, Features, folder_key
from playground.core.workflows import transfer
from playground.core.workflows.transfer import (
    READER,
    feature_dataset,
    head_trainer,
    photo_features,
    prepare_transfer,
)


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    return make_photos(tmp_path_factory.mktemp("photos"), 12)


@pytest.fixture(scope="module")
def trained(photos, tmp_path_factory):
    """(the Transfer after training, its cache in HOME/features of a fresh HOME)."""
    cache = FeatureCache(tmp_path_factory.mktemp("home") / "features")
    t = prepare_transfer(photos, TrainConfig(epochs=40, lr=3e-3, seed=1), cache=cache)
    t.trainer.run()
    return t, cache


def test_head_learns_thephotos(trained):
    t, _ = trained
    data = t.trainer.data
    assert data.input_shape == (1280,) and data.class_names == list(sorted(KINDS))
    assert t.trainer.history.epochs[-1].val_accuracy >= 0.9
    assert sum(p.numel() for p in t.trainer.model.parameters()) == 1280 * 3 + 3  # head only


def test_project_is_the_whole_network(trained, photos):
    t, _ = trained
    project = t.project()
    assert project.spec == preset("transfer", (3, 224, 224), 3)
    model = inference_copy(project.build_trained_model())
    img = Image.open(photos / "stripes" / "3.jpg")
    x = torch.from_numpy(preprocess(img, project.preprocessing))[None]
    x = (x - torch.tensor(project.preprocessing.mean)[:, None, None]) / torch.tensor(
        project.preprocessing.std
    )[:, None, None]
    with torch.no_grad():
        whole = model(x)
        head = t.trainer.model.eval()(backbone_module()(x))
    assert (whole - head).abs().max() < 1e-4
    pred = classify(model, img, project.preprocessing, project.class_names)
    assert pred.top[0][0] == "stripes"


def test_features_are_cached_in_memory_and_on_disk(trained, photos, monkeypatch):
    _, cache = trained
    key = folder_key(photos, READER)
    assert (cache.directory / f"{key}.safetensors").is_file()

    def no_reading(*args, **kwargs):
        raise AssertionError("photos read again")

    monkeypatch.setattr(transfer, "load_folder", no_reading)
    again = photo_features(photos, cache)  # from memory
    from_disk = photo_features(photos, FeatureCache(cache.directory))
    assert again is cache.get(key, no_reading)
    assert torch.equal(from_disk.vectors, again.vectors)
    assert torch.equal(from_disk.labels, again.labels)
    assert from_disk.class_names == again.class_names


def test_a_changed_folder_has_another_key(tmp_path):
    root = make_photos(tmp_path / "p", 2)
    before = folder_key(root, READER)
    photo("disks", np.random.default_rng(5)).save(root / "disks" / "0.jpg")
    assert folder_key(root, READER) != before
    assert folder_key(root, "another network") != folder_key(root, READER)


def test_a_damaged_cache_file_is_computed_again(tmp_path):
    root = make_photos(tmp_path / "p", 2)
    cache_dir = tmp_path / "cache"
    first = photo_features(root, FeatureCache(cache_dir))
    (stored,) = cache_dir.iterdir()
    stored.write_bytes(b"garbage")
    second = photo_features(root, FeatureCache(cache_dir))
    assert torch.allclose(first.vectors, second.vectors, atol=1e-5)


def test_the_windows_head_trainer_trains_the_layers_after_the_backbone(tmp_path):
    """The window trains on cached features through head_trainer, as the CLI does: the same
    refusal of augmentation, only the head's parameters, the whole network's weights in."""
    from playground.core.data.augmentation import AugmentationError

    vectors = torch.randn(30, 1280)
    features = Features(vectors, torch.arange(30) % 3, ["a", "b", "c"], ())
    data = feature_dataset(tmp_path, features)
    spec = preset("transfer", (3, 224, 224), 3)
    with pytest.raises(AugmentationError, match="caches them: turn augmentation off"):
        head_trainer(spec, data, TrainConfig(augment="flip"))
    trainer = head_trainer(spec, data, TrainConfig(epochs=1, batch_size=10))
    assert sum(p.numel() for p in trainer.model.parameters()) == 1280 * 3 + 3
    assert trainer.run().status == "completed"


def test_not_a_folder_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="needs a folder of photos"):
        photo_features(tmp_path / "missing", FeatureCache())


def test_cli_trains_transfer_then_classifies(trained, photos, tmp_path, monkeypatch):
    cached = trained[1].directory
    monkeypatch.setenv("PLAYGROUND_HOME", str(cached.parent))
    written = {p: p.stat().st_mtime_ns for p in cached.iterdir()}
    out = tmp_path / "shapes.playground"
    args = ("--epochs", "30", "--lr", "0.003", "--json", "-o", str(out))
    r = run_playground("train", "transfer", "--dataset", str(photos), *args)
    assert r.returncode == 0, r.stderr
    assert {p: p.stat().st_mtime_ns for p in cached.iterdir()} == written  # read, not made
    assert json.loads(r.stdout)["val_accuracy"] >= 0.9
    fresh = make_photos(tmp_path / "fresh", 1, seed=9)
    images = [str(fresh / kind / "0.jpg") for kind in KINDS]
    r = run_playground("classify", str(out), *images, "--top", "1", "--json")
    assert r.returncode == 0, r.stderr
    assert [p["top"][0]["class"] for p in json.loads(r.stdout)] == list(KINDS)


def test_grad_cam_looks_inside_the_backbone(trained, photos):
    from playground.core.inspect.explain import grad_cam, grad_cam_layer

    t, _ = trained
    project = t.project()
    model = inference_copy(project.build_trained_model())
    pre = project.preprocessing
    x = torch.from_numpy(preprocess(Image.open(photos / "disks" / "1.jpg"), pre))[None]
    x = (x - torch.tensor(pre.mean)[:, None, None]) / torch.tensor(pre.std)[:, None, None]
    assert grad_cam_layer(model, x) is model[0][-2]  # its last maps: 1280×7×7 after ReLU6
    cam = grad_cam(model, x, project.class_names.index("disks"))
    assert cam.shape == (224, 224) and cam.max() == 1
