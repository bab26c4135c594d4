"""How training scales over processes on one machine: `playground train` under torchrun with 1
and with N processes, the same per-process batch (each process one GPU, or its share of the
CPU cores), samples per second of the whole group."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from statistics import median

import torch

from playground.core.errors import PlaygroundError

MODEL, DATASET = "lenet5", "mnist5k"
TIMEOUT_S = 600


def processes_by_default(device: torch.device) -> int:
    """Every GPU of this machine when it has several; otherwise none (the figure is skipped)."""
    count = torch.cuda.device_count() if device.type == "cuda" else 0
    return count if count > 1 else 0


def scaling(
    processes: int,
    device: torch.device,
    epochs: int,
    batch: int,
    repeats: int,
    model: str = MODEL,
    dataset: str = DATASET,
) -> dict:
    """Median samples/s of 1 and of `processes` processes over `repeats` alternating runs, and
    the scaling efficiency: rate(N) / (N × rate(1))."""
    threads = 1 if device.type == "cuda" else max(1, (os.cpu_count() or 1) // processes)
    one, many = [], []
    for _ in range(repeats):  # alternating, so that a change in the machine's load hits both
        one.append(group_rate(1, device, epochs, batch, threads, model, dataset))
        many.append(group_rate(processes, device, epochs, batch, threads, model, dataset))
    rate_one, rate_many = median(one), median(many)
    return {
        "model": model,
        "dataset": dataset,
        "processes": processes,
        "batch_per_process": batch,
        "threads_per_process": threads,
        "samples_per_s_1": rate_one,
        "samples_per_s_n": rate_many,
        "runs_1": [round(r) for r in one],
        "runs_n": [round(r) for r in many],
        "speed_up": rate_many / rate_one,
        "efficiency": rate_many / (processes * rate_one),
    }


def group_rate(
    processes: int,
    device: torch.device,
    epochs: int,
    batch: int,
    threads: int,
    model: str = MODEL,
    dataset: str = DATASET,
) -> float:
    """Samples per second of a torchrun group training model on dataset (rank 0's report)."""
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone",
        f"--nproc_per_node={processes}", "-m", "playground", "train", model,
        "--dataset", dataset, "--epochs", str(epochs), "--batch-size", str(batch * processes),
        "--device", device.type, "--json",
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise PlaygroundError(f"torchrun with {processes} processes failed: {last}")
    return float(json.loads(lines[-1])["samples_per_s"])
