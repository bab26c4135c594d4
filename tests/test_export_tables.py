"""Exports of a network trained on a table take the raw numbers (the standardisation is inside)
and carry the class names and inputs."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from public_tables import iris_csv, prices_csv
from safetensors.torch import load_file

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.io.export import export_project
from playground.core.io.project import load_project
from playground.core.io.raw_io import raw_in_out
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


def test_a_regression_exports_raw_in_and_out(tmp_path):
    import onnxruntime as ort

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


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    """A tiny regression table with a categorical input, trained one epoch."""
    path = prices_csv(tmp_path_factory.mktemp("prices"))
    data = load_dataset(DatasetRef(str(path), {"target": "price"}))
    assert data.task == "regression"
    t = Trainer(preset("mlp", data.input_shape, 1), data, TrainConfig(epochs=1, lr=0.01))
    t.run()
    return trained_project(t), t, data, path


def test_the_python_export_of_a_regression_trains_with_its_loss_and_reports_r2(tmp_path, prices):
    project, trainer, data, _ = prices
    script, *_ = export_project(project, "python", tmp_path / "prices.py", data)
    r = subprocess.run(
        [sys.executable, str(script), "--epochs", "0"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    words = r.stdout.split()
    val_loss, val_r2 = trainer.evaluate(data.x_val, data.y_val)
    assert float(words[words.index("loss") + 1]) == pytest.approx(val_loss, abs=1e-4)
    assert float(words[words.index("R²") + 1]) == pytest.approx(val_r2, abs=1e-4)
    r = subprocess.run(
        [sys.executable, str(script), "--epochs", "1"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert "epoch   1" in r.stdout and "R²" in r.stdout
    exported = _module(script)  # its predict takes raw values and answers in the target's units
    model = exported.build_model()
    model.load_state_dict(load_file(script.with_suffix(".safetensors")))
    raw = torch.tensor([[2.0, 1, 0, 0], [8.0, 0, 0, 1]])  # size, then colour one-hot
    expected = raw_in_out(project.build_trained_model().eval(), project)(raw)[:, 0]
    assert torch.allclose(exported.predict(model, raw), expected, atol=1e-4)


def test_the_torchrun_export_reads_the_table_as_the_app_did_and_trains_a_number(tmp_path, prices):
    project, _, data, csv = prices
    script, _ = export_project(project, "ddp", tmp_path / "prices_ddp.py")
    module = _module(script)
    table = module.table_data(csv)
    _, val = module.split(table)
    x, y = table.tensors
    assert torch.allclose(x[val.indices], data.x_val, atol=1e-5)  # standardised, one-hot
    assert torch.allclose(y[val.indices], data.y_val, atol=1e-5)  # the standardised target

    out = tmp_path / "more.playground"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=1"]
    r = subprocess.run(
        [*command, str(script), "--data", str(csv), "--epochs", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=240, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    assert "val R²" in r.stdout
    trained = load_project(out)
    last = trained.history.epochs[-1]
    assert [e.epoch for e in trained.history.epochs] == [1, 2]
    assert last.val_mae is not None and last.val_mae > 0 and last.val_accuracy <= 1


def _module(script):
    """An exported script imported as a module (its main does not run)."""
    spec = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_torchrun_script_reads_a_table_of_classes_as_the_app_did(tmp_path, iris):
    project, _, data, _ = iris
    script, _ = export_project(project, "ddp", tmp_path / "iris_ddp.py")
    module = _module(script)
    table = module.table_data(Path(project.dataset.source))
    _, val = module.split(table)
    x, y = table.tensors
    assert torch.allclose(x[val.indices], data.x_val, atol=1e-5)
    assert torch.equal(y[val.indices], data.y_val)
