"""Exports of a network trained on a table take the raw numbers (the standardisation is inside)
and carry the class names and inputs."""

import json

import numpy as np
import pytest
import torch
from public_tables import iris_csv

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.io.export import export_project
from playground.core.io.trained import trained_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    path = iris_csv(tmp_path_factory.mktemp("t"))
    data = load_dataset(DatasetRef(str(path), {"target": "species"}))
    t = Trainer(preset("mlp", data.input_shape, data.num_classes), data, TrainConfig(epochs=1))
    t.run()
    raw = data.x_val * torch.tensor(data.preprocessing.std) + torch.tensor(data.preprocessing.mean)
    return trained_project(t), t.model.cpu().eval(), data, raw


def test_onnx_takes_raw_numbers_and_names_the_classes(tmp_path, iris):
    import onnx
    import onnxruntime as ort

    project, model, data, raw = iris
    (out,) = export_project(project, "onnx", tmp_path / "iris.onnx")
    got = ort.InferenceSession(str(out)).run(None, {"input": raw.numpy()})[0]
    assert np.abs(got - model(data.x_val).detach().numpy()).max() < 1e-4
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert json.loads(meta["class_names"]) == ["setosa", "versicolor", "virginica"]
    assert json.loads(meta["inputs"])["names"][0] == "sepal length (cm)"


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_torchscript_takes_raw_numbers_and_names_the_classes(tmp_path, iris):
    project, model, data, raw = iris
    (out,) = export_project(project, "torchscript", tmp_path / "iris.pt")
    files = {"class_names.json": ""}
    loaded = torch.jit.load(str(out), _extra_files=files)
    assert (loaded(raw) - model(data.x_val)).abs().max() < 1e-4
    assert json.loads(files["class_names.json"]) == ["setosa", "versicolor", "virginica"]
