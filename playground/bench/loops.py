"""Benchmark pieces that need no Qt: a bare PyTorch loop and the app's trainer alone."""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from playground.core.data.dataset import Dataset
from playground.core.model.build import build_model, logits_part
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.events import StepMetrics
from playground.core.training.history import History
from playground.core.training.optim import make_optimizer
from playground.core.training.trainer import Trainer


@dataclass(frozen=True)
class Case:
    name: str
    spec: NetworkSpec
    epochs: int


def bare_loop(case: Case, data: Dataset, config: TrainConfig) -> float:
    """Samples per second of the plainest PyTorch loop on the same model, data and optimizer."""
    torch.manual_seed(config.seed)
    model = build_model(case.spec, data.num_classes).to(data.device)
    logits = logits_part(model)
    optimizer = make_optimizer(config, model.parameters())
    x, y = data.x_train, data.y_train
    n, bs = len(x), config.batch_size
    sync = torch.cuda.synchronize if data.device.type == "cuda" else (lambda: None)
    sync()
    started = time.perf_counter()
    for _ in range(case.epochs):
        order = torch.randperm(n, device=data.device)
        for start in range(0, n, bs):
            idx = order[start : start + bs]
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(logits(x[idx]), y[idx]).backward()
            optimizer.step()
    sync()
    return n * case.epochs / (time.perf_counter() - started)


def trainer_alone(case: Case, data: Dataset, config: TrainConfig) -> float:
    """Samples per second of the app's trainer with no GUI (its own training clock)."""
    trainer = Trainer(case.spec, data, replace(config, epochs=case.epochs))
    trainer.run()
    epochs = trainer.history.epochs
    return len(data.x_train) * len(epochs) / epochs[-1].elapsed_s


def history_growth_mb(minutes: float = 30, reports_per_s: float = 20) -> float:
    """Memory the step history takes after a run of this length (MB), measured by tracemalloc."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    history = History()
    for i in range(int(minutes * 60 * reports_per_s)):
        history.add_step(StepMetrics(i, 1, 0.5, 1.0 / (i + 1), 0.5, 1000.0, i / 20, 0.0))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / 1e6
