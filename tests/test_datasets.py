import gzip

import numpy as np
import pytest
import torch
from PIL import Image

from playground.core.data.idx import read_idx, write_idx
from playground.core.data.ref import BUNDLED, DatasetRef, bundled_shape
from playground.core.data.registry import load_dataset
from playground.core.data.toy import TOY_NAMES
from playground.core.errors import DatasetError


def test_mnist5k_bundled(mnist5k):
    assert mnist5k.input_shape == (1, 28, 28)
    assert mnist5k.class_names == [str(d) for d in range(10)]
    assert len(mnist5k.x_train) == 4000 and len(mnist5k.x_val) == 1000
    counts = torch.bincount(torch.cat([mnist5k.y_train, mnist5k.y_val]))
    assert counts.tolist() == [500] * 10
    assert abs(float(mnist5k.x_train.mean())) < 1e-3
    assert abs(float(mnist5k.x_train.std()) - 1) < 1e-2
    pre = mnist5k.preprocessing
    assert pre.recipe == "mnist" and pre.size == (28, 28) and pre.channels == 1
    assert 0.1 < pre.mean[0] < 0.15


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_shape_known_before_loading_matches_the_data(name):
    d = load_dataset(name)
    assert bundled_shape(name) == (d.input_shape, d.class_names)


def test_bundled_shape_of_a_folder_is_refused():
    with pytest.raises(DatasetError, match="not a bundled data set"):
        bundled_shape("/home/me/photos")


@pytest.mark.parametrize("name", TOY_NAMES)
def test_toy_sets(name):
    d = load_dataset(DatasetRef(name, {"samples": 400, "noise": 0.2}), seed=1)
    assert d.input_shape == (2,) and d.num_classes == 2
    assert len(d.x_train) + len(d.x_val) == 400
    labels = torch.cat([d.y_train, d.y_val])
    assert 150 < int(labels.sum()) < 250
    assert d.preprocessing.kind == "points"


def test_split_is_seeded():
    a, b = load_dataset("xor", seed=3), load_dataset("xor", seed=3)
    c = load_dataset("xor", seed=4)
    assert torch.equal(a.x_train, b.x_train)
    assert not torch.equal(a.x_train, c.x_train)


def test_bad_toy_options():
    with pytest.raises(DatasetError, match="noise"):
        load_dataset(DatasetRef("spiral", {"noise": 3}))
    with pytest.raises(DatasetError, match="no option"):
        load_dataset(DatasetRef("spiral", {"colour": 3}))


def test_unknown_dataset():
    with pytest.raises(DatasetError, match="unknown data set 'imagenet'"):
        load_dataset("imagenet")


def _write_pngs(folder, colour, count, size=(20, 14)):
    folder.mkdir(parents=True)
    for i in range(count):
        Image.new("RGB", size, colour).save(folder / f"{i}.png")


def test_image_folder(tmp_path):
    _write_pngs(tmp_path / "cats", (200, 20, 20), 6)
    _write_pngs(tmp_path / "dogs", (20, 20, 200), 4)
    (tmp_path / "dogs" / "broken.png").write_bytes(b"not a png")
    d = load_dataset(DatasetRef(str(tmp_path), {"size": 16}), seed=0)
    assert d.class_names == ["cats", "dogs"]
    assert d.input_shape == (3, 16, 16)
    assert len(d.x_train) + len(d.x_val) == 10
    gray = load_dataset(DatasetRef(str(tmp_path), {"size": 12, "channels": 1}))
    assert gray.input_shape == (1, 12, 12)


def test_image_folder_errors(tmp_path):
    _write_pngs(tmp_path / "only", (0, 0, 0), 2)
    with pytest.raises(DatasetError, match="at least two"):
        load_dataset(str(tmp_path))
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.jpg").write_bytes(b"")
    with pytest.raises(DatasetError, match="'empty' has no readable images"):
        load_dataset(str(tmp_path))


@pytest.mark.parametrize("compress", [True, False])
def test_idx_files(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (50, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 50).astype(np.uint8)
    suffix = ".gz" if compress else ""
    write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images, compress)
    write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels, compress)
    assert np.array_equal(read_idx(tmp_path / f"train-images-idx3-ubyte{suffix}"), images)
    d = load_dataset(str(tmp_path), seed=0)
    assert d.input_shape == (1, 28, 28) and len(d.x_train) == 40
    d2 = load_dataset(str(tmp_path / f"train-images-idx3-ubyte{suffix}"))
    assert d2.num_classes == d.num_classes


def test_idx_errors(tmp_path):
    images = np.zeros((10, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "x-images-idx3-ubyte", images, compress=False)
    with pytest.raises(DatasetError, match="no labels file"):
        load_dataset(str(tmp_path / "x-images-idx3-ubyte"))
    raw = (tmp_path / "x-images-idx3-ubyte").read_bytes()
    (tmp_path / "x-images-idx3-ubyte").write_bytes(raw[:500])
    write_idx(tmp_path / "x-labels-idx1-ubyte", np.zeros(10, dtype=np.uint8), compress=False)
    with pytest.raises(DatasetError, match="truncated"):
        load_dataset(str(tmp_path / "x-images-idx3-ubyte"))
    (tmp_path / "x-images-idx3-ubyte").write_bytes(gzip.compress(b"hello world")[:-4])
    with pytest.raises(DatasetError):
        load_dataset(str(tmp_path / "x-images-idx3-ubyte"))
    (tmp_path / "x-images-idx3-ubyte").write_bytes(b"JUNKJUNKJUNK")
    with pytest.raises(DatasetError, match="not an IDX file"):
        load_dataset(str(tmp_path / "x-images-idx3-ubyte"))


def test_moves_to_device(mnist5k):
    d = mnist5k.to("cpu")
    assert d.device.type == "cpu" and d.x_train is mnist5k.x_train
