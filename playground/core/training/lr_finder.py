"""Learning-rate range test: train a copy briefly with a growing learning rate, suggest one."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from playground.core.data.dataset import Dataset
from playground.core.errors import PlaygroundError
from playground.core.model.build import build_model, logits_part
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.device import pick_device
from playground.core.training.history import smooth
from playground.core.training.optim import make_optimizer
from playground.core.training.task import task_for

MAX_STEPS = 100
START_LR, END_LR = 1e-6, 10.0
SMOOTHING = 0.8  # of the loss curve: a range test of 100 steps has no room for more
DIVERGED = 4.0  # the test stops once the smoothed loss is this many times its lowest
WARM_UP = 5  # first points left out of the suggestion: the smoothed curve settles there


@dataclass(frozen=True)
class LrFinding:
    lrs: np.ndarray  # the learning rate of each step
    losses: np.ndarray  # each step's training loss
    smoothed: np.ndarray
    suggestion: float  # where the smoothed loss falls fastest


def find_lr(
    spec: NetworkSpec,
    dataset: Dataset,
    config: TrainConfig,
    model: nn.Module | None = None,
    steps: int = MAX_STEPS,
    start_lr: float = START_LR,
    end_lr: float = END_LR,
) -> LrFinding:
    """Train a copy of model (a new network from spec when None; model itself is never
    touched) for up to steps batches with config's optimizer and batch size, the learning
    rate growing exponentially from start_lr to end_lr; stops early once the loss diverges."""
    if not WARM_UP + 3 <= steps <= MAX_STEPS:
        raise PlaygroundError(f"the range test takes {WARM_UP + 3} to {MAX_STEPS} steps")
    if not 0 < start_lr < end_lr <= 10:
        raise PlaygroundError("the learning rates must grow from above 0 to at most 10")
    device = pick_device(config.device)
    torch.manual_seed(config.seed)
    net = copy.deepcopy(model) if model is not None else build_model(spec, dataset.num_classes)
    net = net.to(device).train()
    net.requires_grad_(True)  # a copy made to classify with has its gradients off
    logits = logits_part(net)
    task = task_for(dataset.preprocessing, config.loss)
    data = dataset.to(device)
    optimizer = make_optimizer(replace(config, lr=start_lr), net.parameters())
    generator = torch.Generator(device=device).manual_seed(config.seed)
    n = len(data.x_train)
    batch = max(2, min(config.batch_size, n))  # BatchNorm needs two samples
    growth = (end_lr / start_lr) ** (1 / (steps - 1))
    lrs: list[float] = []
    losses: list[float] = []
    lowest = math.inf
    for i in range(steps):
        lr = start_lr * growth**i
        for group in optimizer.param_groups:
            group["lr"] = lr
        idx = torch.randint(n, (batch,), device=device, generator=generator)
        optimizer.zero_grad(set_to_none=True)
        loss = task.loss(logits(data.x_train[idx]), data.y_train[idx])
        loss.backward()
        optimizer.step()
        lrs.append(lr)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            break
        current = smooth(np.array(losses), SMOOTHING)[-1]
        if current > DIVERGED * lowest:
            break
        lowest = min(lowest, current)
    return _finding(np.array(lrs), np.array(losses))


def _finding(lrs: np.ndarray, losses: np.ndarray) -> LrFinding:
    finite = np.isfinite(losses)
    lrs, losses = lrs[finite], losses[finite]
    if len(losses) < WARM_UP + 3:
        raise PlaygroundError(
            f"the loss diverged within {len(losses) + 1} steps, already at a learning rate of "
            f"{lrs[-1] if len(lrs) else START_LR:.1e}: check the data and the network"
        )
    smoothed = smooth(losses, SMOOTHING)
    slope = np.gradient(smoothed, np.log10(lrs))
    # the descent before the lowest loss: past it a loss that blew up can fall again, steeply
    lowest = max(int(np.argmin(smoothed)), WARM_UP + 1)
    best = WARM_UP + int(np.argmin(slope[WARM_UP:lowest]))
    return LrFinding(lrs, losses, smoothed, float(lrs[best]))


def range_test(
    spec: NetworkSpec, dataset: Dataset, config: TrainConfig, weights: dict | None
) -> LrFinding:
    """find_lr on a copy of the trained network (weights of spec), or on a new one (None)."""
    model = None
    if weights is not None:
        model = build_model(spec, dataset.num_classes)
        model.load_state_dict(weights)  # copies them: the snapshot is never written
    return find_lr(spec, dataset, config, model)
