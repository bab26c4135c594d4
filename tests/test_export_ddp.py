"""The torchrun export: killed mid-run, torchrun restarts it and it resumes from its checkpoint."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from PIL import Image
from stripes import write_stripes

from handwriting import bundled_digits_right
from playground.core.data.ref import MNIST5K, DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.inspect.inference import classify
from playground.core.io.export import export_project
from playground.core.io.project import load_project
from playground.core.io.trained import trained_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds torchrun's workers through /proc"
)


def workers(pid: int) -> list[int]:
    """The processes torchrun (pid) started."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children]


def test_killed_script_resumes_from_its_last_checkpoint(tmp_path, mnist5k):
    first = Trainer(preset("lenet5", mnist5k.input_shape, 10), mnist5k, TrainConfig(epochs=1))
    first.run()
    script = tmp_path / "train_ddp.py"
    export_project(trained_project(first), "ddp", script)
    checkpoint = tmp_path / "checkpoints" / "last.safetensors"
    out = tmp_path / "cluster.playground"
    run = subprocess.Popen(
        [
            sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
            # 2: a restarted group once died in Gloo's set-up on a loaded CI machine
            "--max-restarts=2", "--monitor-interval=0.2", str(script),
            "--data", str(MNIST5K[0]), "--epochs", "4",
            "--checkpoints", str(checkpoint.parent), "--out", str(out),
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},  # one thread per process, as torchrun sets
        start_new_session=True,  # its own process group, to end the workers too if it hangs
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not checkpoint.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert checkpoint.exists() and run.poll() is None, "no checkpoint before the run ended"
        os.kill(workers(run.pid)[-1], signal.SIGKILL)  # a crash, or a pre-empted machine
        stdout, stderr = run.communicate(timeout=240)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 0, stderr[-3000:]
    resumed = [int(n) for n in re.findall(r"resumed from the checkpoint of epoch (\d+)", stdout)]
    # a restart after the run was complete resumes from its last epoch and trains none
    assert resumed and resumed[0] >= 2 and resumed == sorted(resumed), stdout
    assert resumed[1:] in ([], [5]), stdout
    printed = [int(n) for n in re.findall(r"^epoch +(\d+)", stdout, re.MULTILINE)]
    assert printed == list(range(2, 6)), stdout  # each epoch once, counting on after the restart

    project = load_project(out)
    epochs = project.history.epochs
    assert [e.epoch for e in epochs] == [1, 2, 3, 4, 5]
    at_checkpoint, after = epochs[resumed[0] - 1], epochs[resumed[0]]
    # new weights, or the exported ones, would start over from a higher loss
    assert after.train_loss < at_checkpoint.train_loss, (at_checkpoint, after)
    assert after.step > at_checkpoint.step
    model = project.build_trained_model().eval()
    with torch.no_grad():
        hits = (model(mnist5k.x_val).argmax(1) == mnist5k.y_val).float().mean().item()
    assert abs(hits - epochs[-1].val_accuracy) < 0.005 and hits > 0.9  # the app's split
    assert bundled_digits_right(model, project) >= 16


def test_script_streams_an_image_folder_with_workers(tmp_path):
    write_stripes(tmp_path / "stripes", count=40)
    data = load_dataset(DatasetRef(str(tmp_path / "stripes"), {"size": 16}))
    first = Trainer(preset("mlp", data.input_shape, 2), data, TrainConfig(epochs=1, batch_size=16))
    first.run()
    script = tmp_path / "stripes_ddp.py"
    export_project(trained_project(first), "ddp", script)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    run = subprocess.run(
        [*command, str(script), "--data", str(tmp_path / "stripes"), "--epochs", "2",
         "--workers", "1"],
        capture_output=True, text=True, timeout=240, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    project = load_project(tmp_path / "stripes_ddp.playground")
    assert [e.epoch for e in project.history.epochs] == [1, 2, 3]
    assert project.history.epochs[-1].val_accuracy >= 0.9
    model = project.build_trained_model().eval()
    for label, name in enumerate(project.class_names):
        photo = Image.open(tmp_path / "stripes" / name / "0.png")
        top = classify(model, photo, project.preprocessing, project.class_names).top[0][0]
        assert top == name, label
