import json
import os
import signal
import subprocess
import sys
import time

import pytest

from cli_helpers import run_playground
from playground.core.io.project import load_project


def test_train_json_and_project(tmp_path):
    out = tmp_path / "spiral.playground"
    r = run_playground(
        "train", "mlp", "--dataset", "spiral", "--epochs", "200", "--json", "-o", str(out)
    )
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["status"] == "completed" and result["epochs"] == 200
    assert result["val_accuracy"] >= 0.95
    project = load_project(out)
    assert project.dataset.source == "spiral" and len(project.history.epochs) == 200


def test_train_spec_file_and_text_output(tmp_path):
    spec = {
        "format": "playground.network",
        "version": 1,
        "input_shape": [2],
        "layers": [
            {"type": "Linear", "out_features": 8},
            {"type": "Tanh"},
            {"type": "Linear", "out_features": 2},
        ],
    }
    path = tmp_path / "net.json"
    path.write_text(json.dumps(spec))
    r = run_playground(
        "train",
        str(path),
        "--dataset",
        "gauss",
        "--epochs",
        "2",
        "--optimizer",
        "sgd",
        "--lr",
        "0.1",
        "--seed",
        "3",
        "--batch-size",
        "16",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("epoch ") == 2 and "Training on CPU" in r.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["train", "nope"], "neither a preset"),
        (["train", "lenet5", "--dataset", "xor"], "Conv2d needs an image input"),
        (["train", "mlp", "--dataset", "/no/such/dir"], "unknown data set"),
        (["train", "mlp", "--dataset", "xor", "--lr", "-1"], "learning rate"),
        (["train", "mlp", "--dataset", "xor", "-o", "x.zip"], "must end in .playground"),
        (["train", "mlp", "--dataset", "xor", "--noise", "5"], "noise"),
        (["train", "mlp", "--dataset", "xor", "--device", "cuda"], "CUDA"),
    ],
)
def test_bad_arguments_one_clear_line(args, message):
    r = run_playground(*args)
    if "cuda" in args and r.returncode == 0:
        pytest.skip("CUDA present")
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground: error:") and message in lines[0]


def test_bad_spec_file(tmp_path):
    path = tmp_path / "net.json"
    path.write_text(
        '{"format": "playground.network", "version": 5, "input_shape": [2], "layers": []}'
    )
    r = run_playground("train", str(path), "--dataset", "xor", "--json")
    assert r.returncode == 1 and "newer" in json.loads(r.stdout)["error"]
    path.write_text(
        '{"format": "playground.network", "version": 1, "input_shape": [1, 28, 28],'
        ' "layers": [{"type": "Flatten"}, {"type": "Linear", "out_features": 10}]}'
    )
    r = run_playground("train", str(path), "--dataset", "xor")
    assert r.returncode == 1 and "expects input [1, 28, 28]" in r.stderr


def test_usage_error_exits_nonzero():
    r = run_playground("train", "mlp", "--epochs", "many")
    assert r.returncode == 2 and "invalid int value" in r.stderr


def test_lenet5_learns_mnist5k():
    # seeded, validation accuracy by epoch: 0.849, 0.902, 0.941, 0.950, 0.959
    r = run_playground("train", "lenet5", "--dataset", "mnist5k", "--epochs", "5", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["val_accuracy"] >= 0.94


def test_ctrl_c_saves_the_epochs_trained_so_far(tmp_path):
    out = tmp_path / "run.playground"
    stale = tmp_path / ".run.playground.0badf00d.playground-tmp"  # a save killed long ago
    stale.write_bytes(b"half a project")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    args = ["train", "mlp", "--dataset", "spiral", "--epochs", "100000", "-o", str(out)]
    child = subprocess.Popen(
        [sys.executable, "-m", "playground", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    epochs = [child.stdout.readline() for _ in range(3)]  # three epochs are done
    assert all(line.startswith("epoch") for line in epochs), epochs
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert "Traceback" not in stderr
    saved = load_project(out)
    assert saved.weights is not None and saved.history.epochs_done >= 3
    assert f"Interrupted; saved the {saved.history.epochs_done} epochs trained so far" in stderr
    assert not list(tmp_path.glob(".*"))


def test_output_and_export_paths_that_are_folders(tmp_path):
    (tmp_path / "dir.playground").mkdir()
    train = ("train", "mlp", "--dataset", "xor", "--epochs", "1", "-o")
    r = run_playground(*train, str(tmp_path / "dir.playground"))
    assert r.returncode == 1 and "is a folder: give a file name" in r.stderr
    r = run_playground(*train, str(tmp_path / "no" / "x.playground"))
    assert r.returncode == 1 and "does not exist" in r.stderr
    r = run_playground(*train, str(tmp_path / "p.playground"))
    assert r.returncode == 0, r.stderr
    r = run_playground(
        "export", str(tmp_path / "p.playground"), "--format", "torchscript", "-o", str(tmp_path)
    )
    assert r.returncode == 1 and "is a folder: give the export a file name" in r.stderr
    assert "Traceback" not in r.stderr
