"""Settings a person may change while training runs: which, how they reach the optimizer."""

from __future__ import annotations

from dataclasses import replace

import torch

from playground.core.training.config import TrainConfig

# the optimizer's own settings; reg_rate is read by the trainer at every step
LIVE = ("lr", "momentum", "weight_decay", "reg_rate")
IN_OPTIMIZER = ("lr", "momentum", "weight_decay")


def live_changes(old: TrainConfig, new: TrainConfig) -> tuple[tuple[str, float, float], ...]:
    """(setting, old, new) of the live settings that differ between old and new."""
    return tuple(
        (k, getattr(old, k), getattr(new, k)) for k in LIVE if getattr(old, k) != getattr(new, k)
    )


def only_live_differ(old: TrainConfig, new: TrainConfig) -> bool:
    """Whether new changes nothing but live settings (so a running trainer can take it)."""
    return replace(new, **{k: getattr(old, k) for k in LIVE}) == old


def apply_live(
    optimizer: torch.optim.Optimizer, config: TrainConfig, changes: tuple
) -> TrainConfig:
    """Write the changed settings into the optimizer's parameter groups (where it has them:
    Adam has no momentum); returns config with them."""
    for name, _, value in changes:
        if name not in IN_OPTIMIZER:
            continue
        for group in optimizer.param_groups:
            if name in group:
                group[name] = value
    return replace(config, **{name: value for name, _, value in changes})
