"""Exports that take raw numbers: a table's or points' standardisation and, for a regression,
the target's scale built into the exported network, with the class names beside it."""

from __future__ import annotations

import json

import torch
from torch import nn

from playground.core.data.ref import REGRESSION
from playground.core.io.project import Project


class RawInOut(nn.Module):
    """model between (x − mean) / std on its way in and, for a regression, y · spread + mean
    on its way out: the exported network takes raw values and answers in the target's units."""

    def __init__(self, model: nn.Module, mean, std, target: tuple[float, float]) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
        self.register_buffer("target", torch.tensor(target, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model((x - self.mean) / self.std) * self.target[1] + self.target[0]


def raw_in_out(model: nn.Module, project: Project) -> nn.Module:
    """model wrapped to take raw numbers for data sets of numbers (tables, points without
    derived features); images keep their model (their recipe resizes and crops first)."""
    pre = project.preprocessing
    if pre is None or pre.kind != "points" or pre.features:
        return model
    target = pre.target if pre.task == REGRESSION else (0.0, 1.0)
    return RawInOut(model, pre.mean, pre.std, target).eval()


def about(project: Project) -> dict[str, str]:
    """What a user of the exported file needs to read its answers: JSON texts by name."""
    pre = project.preprocessing
    meta = {"class_names": json.dumps(project.class_names)}
    if pre is not None:
        meta["task"] = json.dumps(pre.task)
        raw = pre.kind == "points" and not pre.features
        meta["inputs"] = json.dumps(
            {
                "names": list(pre.inputs),
                "raw": raw,  # standardised inside the network when true
                "mean": list(pre.mean),
                "std": list(pre.std),
            }
        )
    return meta
