"""The training loop, plain: epochs of steps, reports, validation. Its state is local to a run;
the policies around it are the trainer's callbacks, the sharing of work its strategy."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import torch

from playground.core.numbers import counted
from playground.core.training.controls import Stopped
from playground.core.training.events import (
    EpochMetrics,
    Evaluation,
    Finished,
    SettingsChanged,
    StepMetrics,
)
from playground.core.training.live_settings import apply_live, live_changes
from playground.core.training.one_step import measured_step
from playground.core.training.timing import Clock, Eta
from playground.core.training.trainer_view import TrainerView
from playground.core.training.window import StepWindow

if TYPE_CHECKING:
    from playground.core.training.callbacks.base import Callback
    from playground.core.training.strategy import Strategy

EARLY_REPORTS = 64  # report after steps 1, 2, 4 … 64 too: a run diverging at once keeps a
# checkpoint from just before, not the initial weights
LONG_STEP_S = 0.25  # a step this slow gets stop checks between its layers
SLOW_BATCH_VALUES = 20_000_000  # a batch making this many values is slow from its first step


class LoopTrainer(TrainerView, Protocol):
    """What the loop sees of a trainer: its parts, its policies and its strategy."""

    callbacks: list[Callback]
    strategy: Strategy


@dataclass
class RunState:
    """What one run keeps between its steps."""

    batches: range  # the start of each batch in an epoch
    batch_size: int
    first_epoch: int
    last_epoch: int
    end_step: int
    step: int
    clock: Clock = field(default_factory=Clock)
    eta: Eta = field(default_factory=Eta)
    window: StepWindow = field(default_factory=StepWindow)
    sums: list[float] = field(default_factory=lambda: [0.0, 0.0, 0])  # loss·n, hits, n
    done_steps: int = 0
    last_snapshot: float = 0.0
    batch: torch.Tensor | None = None  # the last batch trained on, for the probes

    @property
    def total_steps(self) -> int:
        return len(self.batches) * (self.last_epoch - self.first_epoch + 1)


def fit(t: LoopTrainer) -> Finished:
    """Train t.config.epochs epochs after those in t's history; how the run ended."""
    r = _plan(t)
    t.history.note_settings(t.config.to_dict())
    for callback in t.callbacks:
        callback.on_run_start(t)
    try:
        finished = _epochs(t, r)
    except Stopped:  # in the middle of a long step or validation: that step never counts
        t.optimizer.zero_grad(set_to_none=True)
        finished = _end_stopped(t, r, t.history.epochs_done)
    except torch.OutOfMemoryError:
        t.optimizer.zero_grad(set_to_none=True)
        finished = _finish(
            t,
            "error",
            f"Out of memory on {t.device.type.upper()}: lower the batch size or use a "
            "smaller network",
        )
    finally:
        t.stop_checks.remove()
    for callback in t.callbacks:
        callback.on_run_end(t, finished)
    t.emit(finished)
    return finished


def _plan(t: LoopTrainer) -> RunState:
    batches, bs = _batches(t)
    first = t.history.epochs_done + 1
    last = first + t.config.epochs - 1
    end_step = t.history.last_step + len(batches) * t.config.epochs
    window = StepWindow(t.task.score)
    return RunState(batches, bs, first, last, end_step, t.history.last_step, window=window)


def _batches(t: LoopTrainer) -> tuple[range, int]:
    """The start of each batch of an epoch of t's data, and the batch size."""
    n = len(t.data.x_train)
    bs = min(t.config.batch_size, n)
    # BatchNorm cannot normalise a batch of one sample: such a last batch is left out (the
    # order is shuffled every epoch, so each sample is still trained on)
    return range(0, n - 1 if t.batch_norm and n % bs == 1 else n, bs), bs


def _epochs(t: LoopTrainer, r: RunState) -> Finished:
    if t.strategy.interruptible and t.sample_values * r.batch_size >= SLOW_BATCH_VALUES:
        t.stop_checks.install()  # even the first step, and validation, can take seconds
    message, last_epoch = f"Trained {counted(t.config.epochs, 'epoch')}", r.last_epoch
    for epoch in range(r.first_epoch, r.last_epoch + 1):
        ended = _train_epoch(t, r, epoch) or _report(t, r, epoch)
        if ended:
            return ended
        metrics = _validate(t, r, epoch)
        if metrics is None:  # the last weights fail on validation
            return _diverged(t, r.step, epoch, pending_proved=False)
        reasons = [c.on_epoch_end(t, metrics, epoch == r.last_epoch) for c in t.callbacks]
        reason = next((each for each in reasons if each), None)
        if reason:
            message, last_epoch = reason, epoch
            break
    _snapshot(t, r, last_epoch)
    return _finish(t, "completed", message, r.step)


def _train_epoch(t: LoopTrainer, r: RunState, epoch: int) -> Finished | None:
    """One epoch's steps, reported as they go; how the run ended if it did."""
    t.model.train()
    if t.take_new_data():  # painted points changed while training
        r.batches, r.batch_size = _batches(t)
    n = len(t.data.x_train)
    order = torch.randperm(n, device=t.device, generator=t.generator)
    for x, y in t.data.batches(order, r.batches, r.batch_size):
        if not _may_step(t, r):
            return _end_stopped(t, r, epoch - 1)
        t.controls.keep_pace()
        single = t.controls.take_single()
        _apply_live(t, r.step)
        began = time.perf_counter()
        if single:
            step = lambda x, y: _step(t, r, x, y)  # noqa: E731
            result = measured_step(t.model, x, y, step, r.step + 1, epoch, t.task.loss)
        else:
            _step(t, r, x, y)
        if t.strategy.interruptible and time.perf_counter() - began > LONG_STEP_S:
            t.stop_checks.install()
        r.step += 1
        r.done_steps += 1
        done = r.done_steps
        early = done <= EARLY_REPORTS and done & (done - 1) == 0
        if single or early or r.clock.since_report() >= t.report_s:
            ended = _report(t, r, epoch)
            if ended:
                return ended
        if single or r.clock.elapsed() - r.last_snapshot >= t.snapshot_s:
            r.last_snapshot = r.clock.elapsed()
            _snapshot(t, r, epoch)
        if single:
            t.controls.rest_after_single()
            t.emit(result)
    return None


def _step(t: LoopTrainer, r: RunState, x: torch.Tensor, y: torch.Tensor) -> None:
    loss, scores, r.batch = t.train_step(x, y)
    r.window.add(loss, scores, y)


def _may_step(t: LoopTrainer, r: RunState) -> bool:
    """Wait while paused; False once stop is in effect (every process agrees on it)."""
    if t.strategy.any(t.controls.stop_asked):
        t.controls.confirm_stop()
    return t.controls.wait_if_paused(r.clock.pause, r.clock.resume)


def _apply_live(t: LoopTrainer, step: int) -> None:
    """Put settings changed while running into effect from this step on."""
    config = t.controls.take_settings()
    changes = live_changes(t.config, config) if config is not None else ()
    if changes:
        t.config = apply_live(t.optimizer, t.config, changes)
        t.emit(SettingsChanged(step, changes))


def _report(
    t: LoopTrainer, r: RunState, epoch: int, progress: float | None = None
) -> Finished | None:
    """Emit the window's averages (progress: of the run, by default from the steps done); the
    one place the device is synced during an epoch."""
    if r.window.count == 0:
        return None
    w = r.window.take()
    if t.strategy.any(w.first_bad is not None):  # here or in another process
        bad = r.step if w.first_bad is None else r.step - w.steps + w.first_bad + 1
        # the pending copy is proved good if at least its next step's loss was finite
        return _diverged(t, bad, epoch, pending_proved=bool(w.first_bad))
    r.sums = [
        r.sums[0] + w.loss * w.samples,
        r.sums[1] + w.accuracy * w.samples,
        r.sums[2] + w.samples,
    ]
    since = max(r.clock.since_report(), 1e-9)
    r.clock.mark_report()
    eta = r.eta.update(since / w.steps, r.end_step - r.step)
    progress = r.done_steps / r.total_steps if progress is None else progress
    rate, elapsed = w.samples / since, r.clock.elapsed()
    m = StepMetrics(
        r.step, epoch, progress, w.loss, w.accuracy, rate, elapsed, eta, r.end_step, r.last_epoch
    )
    for callback in t.callbacks:
        callback.on_report(t, m)
    t.emit(m)
    return None


def _validate(t: LoopTrainer, r: RunState, epoch: int) -> EpochMetrics | None:
    """The epoch's metrics, recorded and sent; None, with nothing recorded, when the
    validation loss is not finite (the epoch's last weights are then rolled back)."""
    r.clock.pause()  # validation time is not training throughput
    val_loss, val_acc, probs = t.validate(t.data.x_val, t.data.y_val)
    r.clock.resume()
    if not math.isfinite(val_loss):
        return None
    t.emit(Evaluation.of(epoch, probs.cpu().numpy()))
    mae = t.task.error(probs, t.data.y_val)
    loss_sum, hits, samples = t.strategy.sum(r.sums)
    r.sums = [0.0, 0.0, 0]
    samples = max(int(samples), 1)
    elapsed = r.clock.elapsed()
    rate = len(t.data.x_train) * (epoch - r.first_epoch + 1) / max(elapsed, 1e-9)
    m = EpochMetrics(
        epoch, r.step, loss_sum / samples, hits / samples, val_loss, val_acc, rate, elapsed, mae
    )
    t.emit(m)
    return m


def _snapshot(t: LoopTrainer, r: RunState, epoch: int) -> None:
    for callback in t.callbacks:
        callback.on_snapshot(t, r.step, epoch, r.batch)


def _diverged(t: LoopTrainer, step: int, epoch: int, pending_proved: bool) -> Finished:
    t.controls.end_rest()
    said = [c.on_diverged(t, pending_proved) for c in t.callbacks]
    weights = next((each for each in said if each), "The weights are not finite")
    return _finish(
        t,
        "diverged",
        f"The loss became infinite or NaN in epoch {epoch} at step {step:,}: the learning "
        f"rate is probably too high. {weights}; lower the learning rate and train again.",
        step,
    )


def _end_stopped(t: LoopTrainer, r: RunState, epochs_done: int) -> Finished:
    diverged = _report(t, r, max(epochs_done, 1), 0.0)
    return diverged or _finish(t, "stopped", "Training stopped", r.step)


def _finish(t: LoopTrainer, status: str, message: str, step: int | None = None) -> Finished:
    step = t.history.last_step if step is None else step
    return Finished(status, message, t.history.epochs_done, step)
