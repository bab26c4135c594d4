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


def test_a_regression_exports_raw_in_and_out_and_refuses_the_training_scripts(tmp_path):
    import onnxruntime as ort

    from playground.core.errors import PlaygroundError

    data = load_dataset(DatasetRef("sine", {"samples": 200}))
    t = Trainer(preset("mlp", data.input_shape, 1), data, TrainConfig(epochs=1))
    t.run()
    project, model = trained_project(t), t.model.cpu().eval()
    (out,) = export_project(project, "onnx", tmp_path / "sine.onnx")
    x = torch.tensor([[-2.0], [0.5], [3.0]])  # raw x
    got = ort.InferenceSession(str(out)).run(None, {"input": x.numpy()})[0][:, 0]
    pre = data.preprocessing
    inside = model((x - pre.mean[0]) / pre.std[0])[:, 0].detach().numpy()
    assert np.allclose(got, inside * pre.target[1] + pre.target[0], atol=1e-4)
    with pytest.raises(PlaygroundError, match="export a network that predicts a number as onnx"):
        export_project(project, "python", tmp_path / "sine.py", data)
