"""Core: the toy sets' input features, test ratio and their trip through a project file."""

import json

import numpy as np
import pytest

from cli_helpers import run_playground
from playground.core.data.ref import DatasetRef, Preprocessing
from playground.core.data.registry import load_dataset
from playground.core.data.toy_features import derive, parse_features
from playground.core.errors import DatasetError
from playground.core.io.project import load_project


def test_features_are_made_of_each_point():
    pts = np.array([[1.0, 2.0], [-0.5, 3.0]], dtype=np.float32)
    keys = parse_features("x1x2, sinx1,x1sq")
    assert keys == ("x1sq", "x1x2", "sinx1")  # the catalog's order
    assert np.allclose(derive(pts, keys), [[1, 2, np.sin(1)], [0.25, -1.5, np.sin(-0.5)]])
    with pytest.raises(DatasetError, match="unknown input feature 'x3'"):
        parse_features("x1,x3")
    with pytest.raises(DatasetError, match="at least one"):
        parse_features("")


def test_toy_options_and_what_the_network_gets():
    d = load_dataset(DatasetRef("xor", {"features": "x1x2", "test_ratio": 0.3, "samples": 200}))
    assert d.input_shape == (1,) and len(d.x_val) == 60
    raw_train, _ = d.raw_points()
    product = d.x_train[:, 0] * d.preprocessing.std[0] + d.preprocessing.mean[0]
    assert np.allclose(product.numpy(), (raw_train[:, 0] * raw_train[:, 1]).numpy(), atol=1e-4)
    with pytest.raises(DatasetError, match="test_ratio"):
        load_dataset(DatasetRef("xor", {"test_ratio": 0.95}))
    with pytest.raises(DatasetError, match="no option colour"):
        load_dataset(DatasetRef("xor", {"colour": 1}))
    bad = {**json.loads(json.dumps(d.preprocessing.to_dict())), "features": ["x1", "x2"]}
    with pytest.raises(DatasetError, match="one feature per mean"):
        Preprocessing.from_dict(bad)


def test_train_command_takes_features_test_ratio_and_regularisation(tmp_path):
    out = tmp_path / "c.playground"
    args = [
        "train",
        "mlp",
        "--dataset",
        "circle",
        "--features",
        "x1sq,x2sq",
        "--test-ratio",
        "0.25",
        "--regularization",
        "l1",
        "--reg-rate",
        "0.0005",
        "--epochs",
        "1",
        "-o",
        str(out),
    ]
    r = run_playground(*args)
    assert r.returncode == 0, r.stderr
    project = load_project(out)
    assert project.dataset.options["features"] == "x1sq,x2sq"
    assert project.preprocessing.features == ("x1sq", "x2sq")
    assert (project.config.regularization, project.config.reg_rate) == ("l1", 0.0005)
    assert project.spec.input_shape == (2,)
