"""`playground lr-find SPEC|PROJECT --dataset … [--json]`: a learning-rate range test."""

from __future__ import annotations

import argparse
import json

from playground.commands.train import (
    add_dataset_arguments,
    network_and_data,
    project_to_continue,
    train_config,
)
from playground.core.model.presets import PRESETS
from playground.core.training.config import DEVICE_CHOICES, OPTIMIZERS, TrainConfig
from playground.core.training.lr_finder import END_LR, MAX_STEPS, START_LR, find_lr


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lr-find",
        help="suggest a learning rate from a short range test",
        description=f"Trains a copy of the network for up to {MAX_STEPS} batches, the learning "
        f"rate growing from {START_LR:g} to {END_LR:g}, and suggests the rate where the loss "
        "fell fastest. Nothing is saved.",
    )
    p.add_argument(
        "spec", help=f"a network JSON file, a preset ({', '.join(PRESETS)}) or a project"
    )
    add_dataset_arguments(p)
    p.add_argument("--optimizer", choices=OPTIMIZERS, help=f"default {TrainConfig.optimizer}")
    p.add_argument("--batch-size", type=int, help=f"default {TrainConfig.batch_size}")
    p.add_argument("--weight-decay", type=float, help=f"default {TrainConfig.weight_decay}")
    p.add_argument("--momentum", type=float, help=f"default {TrainConfig.momentum}")
    p.add_argument("--device", choices=DEVICE_CHOICES, help=f"default {TrainConfig.device}")
    p.add_argument("--seed", type=int, help=f"default {TrainConfig.seed}")
    p.add_argument("--steps", type=int, default=MAX_STEPS, help=f"at most {MAX_STEPS}")
    p.add_argument("--json", action="store_true", help="also print every step's lr and loss")
    # train_config reads every setting; the range test sets the lr itself and has no epochs
    p.set_defaults(run=run, lr=None, epochs=None, patience=None)


def run(args: argparse.Namespace) -> int:
    project = project_to_continue(args.spec)
    config = train_config(args, project.config if project else TrainConfig())
    spec, data, model, _ = network_and_data(args, project)
    found = find_lr(spec, data, config, model, args.steps)
    if args.json:
        print(
            json.dumps(
                {
                    "suggestion": found.suggestion,
                    "lrs": found.lrs.tolist(),
                    "losses": found.losses.tolist(),
                    "smoothed": found.smoothed.tolist(),
                }
            )
        )
    else:
        print(
            f"suggested learning rate: {found.suggestion:.1e} (where the loss fell fastest; "
            f"tried {found.lrs[0]:.0e} to {found.lrs[-1]:.1e} in {len(found.lrs)} steps)"
        )
    return 0
