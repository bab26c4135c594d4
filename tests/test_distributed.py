"""`playground train` under torchrun: two CPU processes talking over Gloo on loopback."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys

import torch

from cli_helpers import run_playground
from handwriting import bundled_digits_right
from playground.core.io.cluster import cluster_instructions
from playground.core.io.project import load_project, save_project
from playground.core.io.trained import trained_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.device import serial_torch
from playground.core.training.trainer import Trainer

ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1"}  # per process, as torchrun sets it


def torchrun(*args: str, cwd, timeout: float = 240) -> subprocess.CompletedProcess:
    """`torchrun --standalone --nproc_per_node=2 -m playground ARGS` (a free loopback port)."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    return subprocess.run(
        [*command, "-m", "playground", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=ONE_THREAD,
    )


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_two_processes_train_as_one_and_rank_0_alone_writes(tmp_path, mnist5k):
    out = tmp_path / "digits.playground"
    r = torchrun(
        "train", "lenet5", "--dataset", "mnist5k", "--epochs", "2", "--batch-size", "64",
        "--json", "-o", str(out), cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    results = json_lines(r.stdout)
    assert len(results) == 1, r.stdout  # rank 1 prints nothing
    result = results[0]
    assert result["status"] == "completed" and result["epochs"] == 2
    assert result["world_size"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporaries left

    with serial_torch():  # one thread, as each torchrun process has
        one = run_playground(
            "train", "lenet5", "--dataset", "mnist5k", "--epochs", "2", "--batch-size", "64",
            "--json",
        )  # fmt: skip
    assert one.returncode == 0, one.stderr[-3000:]
    alone = json.loads(one.stdout)["val_accuracy"]
    assert abs(result["val_accuracy"] - alone) <= 0.01, (result["val_accuracy"], alone)

    project = load_project(out)
    assert [e.epoch for e in project.history.epochs] == [1, 2]
    model = project.build_trained_model().eval()
    with torch.no_grad():
        hits = (model(mnist5k.x_val).argmax(1) == mnist5k.y_val).float().mean().item()
    assert abs(hits - result["val_accuracy"]) < 1e-6  # the saved weights are the ones validated
    assert bundled_digits_right(model, project) >= 16


def test_a_project_trains_further_under_torchrun(tmp_path, mnist5k):
    spec = preset("mlp", mnist5k.input_shape, 10)
    first = Trainer(spec, mnist5k, TrainConfig(epochs=1, batch_size=128))
    first.run()
    start = tmp_path / "mlp.playground"
    save_project(start, trained_project(first))
    out = tmp_path / "more.playground"
    r = torchrun("train", str(start), "--epochs", "1", "--json", "-o", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    (result,) = json_lines(r.stdout)
    assert result["epochs"] == 2 and result["world_size"] == 2
    project = load_project(out)
    assert [e.epoch for e in project.history.epochs] == [1, 2]
    assert project.config.batch_size == 128  # the project's settings, where none were given
    before, after = (e.train_loss for e in project.history.epochs)
    # new weights would start over from a loss of ~2.3: these went on from the trained ones
    assert after < 0.8 * before, (before, after)


def test_cluster_instructions_are_commands_torchrun_takes():
    from torch.distributed.run import get_args_parser

    text = cluster_instructions("my digits.playground")
    commands = [c for c in text.replace("\\\n", " ").splitlines() if c.strip().startswith("torch")]
    assert len(commands) == 4
    for command in commands:
        args = get_args_parser().parse_args(shlex.split(command)[1:])
        assert args.training_script in ("playground", "my digits_ddp.py")
        assert "'my digits.playground'" in command or "--data DATA" in command
    assert "--standalone" in commands[0] and "--rdzv-endpoint=HOST:29400" in commands[1]


def test_sigterm_stops_every_process_at_the_same_step_and_rank_0_saves(tmp_path):
    out = tmp_path / "stopped.playground"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    run = subprocess.Popen(
        [*command, "-m", "playground", "train", "mlp", "--epochs", "500", "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=ONE_THREAD,
        start_new_session=True,  # its own process group, to end the workers too if it hangs
    )  # fmt: skip
    try:
        first = run.stdout.readline()  # rank 0's first epoch
        assert first.startswith("epoch"), run.stderr.read()[-3000:]
        run.terminate()  # torchrun passes it on to every process, each at its own moment
        _, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert "Interrupted; saved the" in stderr, stderr[-3000:]
    epochs = [e.epoch for e in load_project(out).history.epochs]
    assert 1 <= len(epochs) < 500 and epochs == list(range(1, len(epochs) + 1))
