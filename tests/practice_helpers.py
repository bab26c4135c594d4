"""Trained answers to challenges, each trained once per test session: the good answer is the
challenge's own solution, trained as the panel's Train would train it."""

from __future__ import annotations

import json

from playground.core.data.registry import load_dataset
from playground.core.io.project import Project
from playground.core.io.trained import trained_project
from playground.core.training.trainer import Trainer

_TRAINED: dict[str, Project] = {}


def trained(project: Project) -> Project:
    """project after training with its own settings (cached by network, data and settings)."""
    key = json.dumps(
        [project.spec.to_dict(), project.dataset.to_dict(), project.config.to_dict()],
        sort_keys=True,
    )
    if key not in _TRAINED:
        data = load_dataset(project.dataset)
        t = Trainer(project.spec, data, project.config, report_s=1.0, snapshot_s=60.0)
        t.run()
        _TRAINED[key] = trained_project(t)
    return _TRAINED[key]
