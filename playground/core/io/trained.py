"""A project made of what a trainer has trained: the network, its weights, its data set's
reference and the run's history, with the stranger warning calibrated."""

from __future__ import annotations

from playground.core.inspect.familiarity import Familiarity, fit_familiarity
from playground.core.io.project import Project
from playground.core.model.build import logits_part
from playground.core.training.trainer import Trainer


def familiarity_of(trainer: Trainer) -> Familiarity | None:
    """The training data's statistics on the network's features as they are now (call
    between runs), for flagging inputs unlike any of them."""
    return fit_familiarity(logits_part(trainer.model), trainer.data.x_val)


def trained_project(trainer: Trainer) -> Project:
    """The trained network, its data set reference and its history, ready to save."""
    d = trainer.data
    return Project(
        trainer.spec,
        d.ref,
        trainer.config,
        d.class_names,
        d.preprocessing,
        trainer.model.state_dict(),
        trainer.history,
        familiarity=familiarity_of(trainer),
    )
