"""The trainer: a model, its data and optimizer, the controls, the callbacks and the strategy
that the loop (loop.py) runs with. Runs on any thread, reports plain values to a sink."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from playground.core.data.augmentation import augmenter
from playground.core.data.dataset import Dataset
from playground.core.errors import PlaygroundError
from playground.core.limits import MAX_BATCH_BYTES
from playground.core.model.build import build_model, logits_part
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec
from playground.core.training.callbacks import (
    BestWeights,
    Callback,
    EarlyStopping,
    Rollback,
    WeightSnapshots,
)
from playground.core.training.config import TrainConfig
from playground.core.training.controls import Controls
from playground.core.training.device import pick_device
from playground.core.training.evaluate import evaluate_model
from playground.core.training.events import EpochMetrics, Event, Finished, Sink
from playground.core.training.history import History
from playground.core.training.interrupt import StopChecks
from playground.core.training.loop import fit
from playground.core.training.optim import make_optimizer
from playground.core.training.regularization import penalised_weights, penalty
from playground.core.training.strategy import Strategy
from playground.core.training.task import task_for
from playground.core.training.weights_copy import clone_state, cpu_copy

EVAL_CHUNK = 256  # small enough that one forward never holds the GIL for long


class Trainer:
    """Trains a model built from spec on dataset; report_s and snapshot_s throttle the events.
    callbacks run after the built-in ones (roll-back, best weights, early stopping, weight
    snapshots); strategy shares the work out (default: one process)."""

    def __init__(
        self,
        spec: NetworkSpec,
        dataset: Dataset,
        config: TrainConfig,
        sink: Sink | None = None,
        model: nn.Sequential | None = None,
        history: History | None = None,
        report_s: float = 0.05,
        snapshot_s: float = 0.5,
        callbacks: Sequence[Callback] = (),
        strategy: Strategy | None = None,
    ) -> None:
        self.spec, self.config = spec, config
        self.sample_values = _sample_values(spec, config.batch_size)
        self.device = pick_device(config.device)
        self.data = dataset.to(self.device)
        self.augment = augmenter(config.augmentation, dataset.preprocessing, dataset.name)
        torch.manual_seed(config.seed)
        self.model = (model or build_model(spec, dataset.num_classes)).to(self.device)
        self.logits: nn.Module = logits_part(self.model)
        self.task = task_for(dataset.preprocessing, config.loss)
        self._new_data: Dataset | None = None  # painted points changed: trained from next epoch
        self.optimizer = make_optimizer(config, self.model.parameters())
        self.history = history or History()
        self.sink = sink or (lambda event: None)
        self.report_s, self.snapshot_s = report_s, snapshot_s
        self.penalised = penalised_weights(self.model)
        self.generator = torch.Generator(device=self.device).manual_seed(config.seed)
        self.batch_norm = any(isinstance(m, _BatchNorm) for m in self.model.modules())
        if self.batch_norm and config.batch_size < 2:
            raise PlaygroundError(
                "BatchNorm normalises over the samples of a batch, so it needs at least 2: "
                "raise the batch size or remove the BatchNorm layers"
            )
        self.controls = Controls()
        self.stop_checks = StopChecks(self.model, self.controls.raise_if_stopped)
        self.rollback = Rollback(self.model, self.history.last_step)
        self.best_weights_kept = BestWeights()
        built_in = [self.rollback, self.best_weights_kept, EarlyStopping(config.patience)]
        self.callbacks: list[Callback] = [*built_in, WeightSnapshots(), *callbacks]
        self.strategy = strategy or Strategy()
        self.strategy.setup(self)

    # --- control, from any thread ---------------------------------------------------------
    def pause(self) -> None:
        self.controls.pause()

    def resume(self) -> None:
        self.controls.resume()

    def step_once(self) -> None:
        """Run exactly one mini-batch, report it (with a StepResult) and pause again."""
        self.controls.step_once()

    def set_pace(self, steps_per_s: float) -> None:
        """At most steps_per_s steps a second from now on (0: full speed); any thread."""
        self.controls.set_pace(steps_per_s)

    def change_settings(self, config: TrainConfig) -> None:
        """New live settings (learning rate, momentum, weight decay, regularisation rate),
        applied before the next step and reported as SettingsChanged. Safe from any thread."""
        self.controls.change_settings(config)

    def replace_data(self, dataset: Dataset) -> None:
        """Train on dataset (the same inputs and classes: painted points changed) from the
        next epoch on. Safe from any thread."""
        self._new_data = dataset

    def take_new_data(self) -> bool:
        """Put a data set given by replace_data in place (between epochs); whether one was."""
        dataset, self._new_data = self._new_data, None
        if dataset is not None:
            self.data = dataset.to(self.device)
        return dataset is not None

    def stop(self) -> None:
        self.strategy.stop(self.controls)

    def resting_copy(self) -> tuple[dict[str, torch.Tensor], dict[str, Any]] | None:
        """While paused between two steps: CPU copies of the live weights and of the
        optimizer's state (what its next step starts from); None at any other time."""
        return self.controls.while_resting(
            lambda: (clone_state(self.model, "cpu"), cpu_copy(self.optimizer.state_dict()))
        )

    def weights(self) -> dict[str, torch.Tensor]:
        """The weights at the last finite report: a copy no step writes to, so another thread
        may read it (to classify while training runs) without ever seeing a half-made update."""
        return self.rollback.weights()

    # --- the run --------------------------------------------------------------------------
    def run(self) -> Finished:
        """Train config.epochs epochs (after those already in history); returns how it ended."""
        return fit(self)

    def emit(self, event: Event) -> None:
        """Record event in the history (what it adds to it) and hand it to the sink."""
        self.history.record(event)
        self.sink(event)

    def train_step(
        self, x: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One optimizer step on (x, y): the loss and scores (detached, on the device) and the
        inputs trained on (augmented)."""
        if self.augment is not None:
            x = self.augment(x)
        self.optimizer.zero_grad(set_to_none=True)
        out = self.logits(x)
        loss = self.task.loss(out, y)
        extra = penalty(self.penalised, self.config)
        (loss if extra is None else loss + extra).backward()
        self.optimizer.step()
        return loss.detach(), out.detach(), x

    def validate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, torch.Tensor]:
        """Mean loss and accuracy over every process's samples, this one's softmax
        probabilities (N, classes); a stop in effect ends it between chunks."""
        loss, acc, probs = evaluate_model(
            self.model, x, y, EVAL_CHUNK, self.controls.raise_if_stopped, self.task
        )
        loss, acc = self.strategy.mean([loss, acc], len(x))
        return loss, acc, probs

    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        """Mean loss and accuracy in eval mode (dropout off, batch-norm running stats)."""
        loss, acc, _ = self.validate(x, y)
        return loss, acc

    # --- the best epoch -------------------------------------------------------------------
    @property
    def best(self) -> EpochMetrics | None:
        """The epoch with the lowest validation loss so far (None before the first epoch)."""
        return self.best_weights_kept.best

    def best_weights(self) -> dict[str, torch.Tensor] | None:
        """A CPU copy of the best epoch's weights."""
        return self.best_weights_kept.weights

    def restore_best(self) -> EpochMetrics:
        """Load the best epoch's weights into the model (call between runs); returns that
        epoch's metrics."""
        metrics, state = self.best_weights_kept.best, self.best_weights_kept.weights
        if metrics is None or state is None:
            raise PlaygroundError("no epoch has been validated yet: there are no best weights")
        self.model.load_state_dict(state)
        self.rollback.reset(metrics.step)
        return metrics


def _sample_values(spec: NetworkSpec, batch_size: int) -> int:
    """The values one sample makes across the layers; PlaygroundError if a batch's, kept for
    the backward pass, would not fit in MAX_BATCH_BYTES: said before training, instead of the
    allocator failing in the first step."""
    values = infer_shapes(spec).activations
    per_sample = values * 4 * 2  # float32; the outputs and their gradients
    if per_sample * batch_size > MAX_BATCH_BYTES:
        fits = max(1, MAX_BATCH_BYTES // max(per_sample, 1))
        raise PlaygroundError(
            f"a batch of {batch_size} would need about {per_sample * batch_size / 2**30:.0f} GB "
            f"for this network's activations: lower the batch size to {fits} or less"
        )
    return values
