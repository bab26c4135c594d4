import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from cli_helpers import run_playground
from playground.core.io.export import export_project
from playground.core.io.project import Project, save_project
from playground.core.io.trained import trained_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def trained(mnist5k, tmp_path_factory):
    spec = preset("lenet5", mnist5k.input_shape, mnist5k.num_classes)
    config = TrainConfig(epochs=1, batch_size=128, optimizer="sgd", lr=0.05)
    t = Trainer(spec, mnist5k, config)
    t.run()
    project = trained_project(t)
    path = tmp_path_factory.mktemp("p") / "digits.playground"
    save_project(path, project)
    return project, t.model.cpu().eval(), path, t


def test_onnx_matches(tmp_path, trained, mnist5k):
    import onnxruntime as ort

    project, model, _, _ = trained
    (out,) = export_project(project, "onnx", tmp_path / "m.onnx")
    x = mnist5k.x_val[:7]
    got = ort.InferenceSession(str(out)).run(None, {"input": x.numpy()})[0]
    assert np.abs(got - model(x).detach().numpy()).max() < 1e-5


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_torchscript_matches(tmp_path, trained, mnist5k):
    project, model, _, _ = trained
    (out,) = export_project(project, "torchscript", tmp_path / "m.pt")
    loaded = torch.jit.load(str(out))
    x = mnist5k.x_val[:9]
    assert (loaded(x) - model(x)).abs().max() < 1e-5


def test_python_script_rebuilds_and_continues(tmp_path, trained, mnist5k):
    _, _, path, trainer = trained
    r = run_playground(
        "export", str(path), "--format", "python", "-o", str(tmp_path / "digits.py"), "--json"
    )
    assert r.returncode == 0, r.stderr
    files = json.loads(r.stdout)["files"]
    assert [f.rsplit("/", 1)[1] for f in files] == [
        "digits.py",
        "digits.safetensors",
        "digits_data.npz",
    ]
    script = tmp_path / "digits.py"
    compile(script.read_text(), "digits.py", "exec")
    r = subprocess.run(
        [sys.executable, str(script), "--epochs", "0"], capture_output=True, text=True, cwd="/"
    )
    assert r.returncode == 0, r.stderr
    val_loss, val_acc = trainer.evaluate(mnist5k.x_val, mnist5k.y_val)
    words = r.stdout.split()
    assert float(words[words.index("loss") + 1]) == pytest.approx(val_loss, abs=1e-4)
    assert float(words[words.index("accuracy") + 1]) == pytest.approx(val_acc, abs=1e-4)
    r = subprocess.run(
        [sys.executable, str(script), "--epochs", "1"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert "epoch   1" in r.stdout and (tmp_path / "digits.trained.safetensors").exists()


def test_cli_export_bad_inputs(tmp_path, trained):
    untrained = Project(trained[0].spec, trained[0].dataset, class_names=trained[0].class_names)
    save_project(tmp_path / "u.playground", untrained)
    r = run_playground(
        "export", str(tmp_path / "u.playground"), "--format", "onnx", "-o", str(tmp_path / "x.onnx")
    )
    assert r.returncode == 1 and "no trained weights" in r.stderr
    r = run_playground(
        "export", str(tmp_path / "none"), "--format", "onnx", "-o", str(tmp_path / "x.onnx")
    )
    assert r.returncode == 1 and "cannot open" in r.stderr and "Traceback" not in r.stderr
    r = run_playground(
        "export", str(trained[2]), "--format", "torchscript", "-o", str(tmp_path / "no" / "x.pt")
    )
    assert r.returncode == 1 and "could not write" in r.stderr
