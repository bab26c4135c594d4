"""The training loop: runs on any thread, reports plain values to a sink, obeys pause and stop."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from playground.core.data.augmentation import augmenter
from playground.core.data.dataset import Dataset
from playground.core.errors import PlaygroundError
from playground.core.inspect.familiarity import Familiarity, fit_familiarity
from playground.core.inspect.probes import evaluate_model, probe, weight_snapshot
from playground.core.io.project import Project
from playground.core.limits import MAX_BATCH_BYTES
from playground.core.model.build import build_model, logits_part
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.device import pick_device
from playground.core.training.events import (
    EpochMetrics,
    Evaluation,
    Event,
    Finished,
    ProbeRequest,
    SettingsChanged,
    StepMetrics,
)
from playground.core.training.history import History
from playground.core.training.live_settings import apply_live, live_changes
from playground.core.training.one_step import measured_step
from playground.core.training.optim import make_optimizer
from playground.core.training.pace import Pace
from playground.core.training.regularization import penalised_weights, penalty

Sink = Callable[[Event], None]
EVAL_CHUNK = 256  # small enough that one forward never holds the GIL for long
EARLY_REPORTS = 64  # report after steps 1, 2, 4 … 64 too: a run diverging at once keeps a
# checkpoint from just before, not the initial weights
LONG_STEP_S = 0.25  # a step this slow gets stop checks between its layers
SLOW_BATCH_VALUES = 20_000_000  # a batch making this many values is slow from its first step


class _Stopped(Exception):
    """Raised inside a long step or validation pass once stop was asked for."""


@dataclass(frozen=True)
class _Checkpoint:
    """A copy of the weights after step, and whether a later step's loss proved them finite."""

    state: dict[str, torch.Tensor]
    step: int
    verified: bool


class Trainer:
    """Trains a model built from spec on dataset; report_s and snapshot_s throttle the events."""

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
    ) -> None:
        self.spec, self.config = spec, config
        self._sample_values = _sample_values(spec, config.batch_size)
        self.device = pick_device(config.device)
        self.data = dataset.to(self.device)
        self._augment = augmenter(config.augmentation, dataset.preprocessing, dataset.name)
        torch.manual_seed(config.seed)
        self.model = (model or build_model(spec, dataset.num_classes)).to(self.device)
        self.logits = logits_part(self.model)
        self.optimizer = make_optimizer(config, self.model.parameters())
        self.history = history or History()
        self.sink = sink or (lambda event: None)
        self.report_s, self.snapshot_s = report_s, snapshot_s
        self._run = threading.Event()
        self._run.set()
        self._stop = threading.Event()
        self.pace = Pace()  # full speed unless a person slows it down to watch
        self._paused = False  # asked to pause; a single step (step_once) pauses again after it
        self._single = False
        self._rest_lock = threading.Lock()
        self._resting = False  # waiting while paused, between two steps
        self._live_lock = threading.Lock()
        self._live: TrainConfig | None = None  # settings changed while running, not yet applied
        self._penalised = penalised_weights(self.model)
        self._generator = torch.Generator(device=self.device).manual_seed(config.seed)
        self._probes = ProbeRequest()
        self._batch: torch.Tensor | None = None  # the last batch trained on, for the probes
        start = _Checkpoint(_clone_state(self.model), self.history.last_step, False)
        self._good = self._pending = start  # _good: proved finite; _pending: not yet
        self._batch_norm = any(isinstance(m, _BatchNorm) for m in self.model.modules())
        if self._batch_norm and config.batch_size < 2:
            raise PlaygroundError(
                "BatchNorm normalises over the samples of a batch, so it needs at least 2: "
                "raise the batch size or remove the BatchNorm layers"
            )
        self._stop_hooks: list[torch.utils.hooks.RemovableHandle] = []
        # the epoch with the lowest validation loss and a CPU copy of its weights
        self._best: tuple[EpochMetrics, dict[str, torch.Tensor]] | None = None

    # --- control, from any thread ---------------------------------------------------------
    def pause(self) -> None:
        self._paused = True
        self._run.clear()

    def resume(self) -> None:
        self._paused = self._single = False
        self._wake()

    def step_once(self) -> None:
        """Run exactly one mini-batch, report it (with a StepResult) and pause again."""
        self._single = True
        self._wake()

    def _wake(self) -> None:
        with self._rest_lock:
            self._resting = False
            self._run.set()

    def resting_copy(self) -> tuple[dict[str, torch.Tensor], dict[str, Any]] | None:
        """While paused between two steps: CPU copies of the live weights and of the
        optimizer's state (what its next step starts from); None at any other time."""
        with self._rest_lock:  # no step starts while this copies
            if not self._resting:
                return None
            return _clone_state(self.model, "cpu"), _cpu_copy(self.optimizer.state_dict())

    def set_pace(self, steps_per_s: float) -> None:
        """At most steps_per_s steps a second from now on (0: full speed); any thread."""
        self.pace.set(steps_per_s)

    def change_settings(self, config: TrainConfig) -> None:
        """New live settings (learning rate, momentum, weight decay, regularisation rate),
        applied before the next step and reported as SettingsChanged. Safe from any thread."""
        with self._live_lock:
            self._live = config

    def stop(self) -> None:
        self._stop.set()
        self._wake()

    def weights(self) -> dict[str, torch.Tensor]:
        """The weights at the last finite report: a copy no step writes to, so another thread
        may read it (to classify while training runs) without ever seeing a half-made update."""
        return self._good.state

    # --- the loop -------------------------------------------------------------------------
    def run(self) -> Finished:
        """Train config.epochs epochs (after those already in history); returns how it ended."""
        try:
            finished = self._loop()
        except _Stopped:  # in the middle of a long step or validation: that step never counts
            self.optimizer.zero_grad(set_to_none=True)
            finished = self._end_stopped(self.history.epochs_done, self._step)
        except torch.OutOfMemoryError:
            self.optimizer.zero_grad(set_to_none=True)
            finished = self._finish(
                "error",
                f"Out of memory on {self.device.type.upper()}: lower the batch size or use a "
                "smaller network",
            )
        finally:
            for handle in self._stop_hooks:
                handle.remove()
            self._stop_hooks.clear()
        self.sink(finished)
        return finished

    def _loop(self) -> Finished:
        n = len(self.data.x_train)
        bs = min(self.config.batch_size, n)
        # BatchNorm cannot normalise a batch of one sample: such a last batch is left out (the
        # order is shuffled every epoch, so each sample is still trained on)
        batches = range(0, n - 1 if self._batch_norm and n % bs == 1 else n, bs)
        steps_per_epoch = len(batches)
        first_epoch = self._first_epoch = self.history.epochs_done + 1
        last_epoch = first_epoch + self.config.epochs - 1
        total_steps = steps_per_epoch * self.config.epochs
        self._plan = (self.history.last_step + total_steps, last_epoch)
        self._clock = _Clock()
        self._eta = _Eta()
        self._window = _Window()
        self._epoch_sums = [0.0, 0.0, 0]  # loss·samples, correct, samples of this epoch
        step = self._step = self._start_step = self.history.last_step
        done_steps = 0
        if self._sample_values * bs >= SLOW_BATCH_VALUES:
            self._add_stop_hooks()  # even the first step, and validation, can take seconds
        last_snapshot = 0.0
        self._since_best = 0
        message = f"Trained {self.config.epochs} epochs"
        for epoch in range(first_epoch, last_epoch + 1):
            self.model.train()
            order = torch.randperm(n, device=self.device, generator=self._generator)
            for x, y in self.data.batches(order, batches, bs):
                if not self._wait_if_paused():
                    return self._end_stopped(epoch - 1, step)
                self.pace.wait(self._stop)
                single, self._single = self._single, False
                self._apply_live(step)
                began = time.perf_counter()
                if single:
                    result = measured_step(self.model, x, y, self._train_step, step + 1, epoch)
                else:
                    self._train_step(x, y)
                if not self._stop_hooks and time.perf_counter() - began > LONG_STEP_S:
                    self._add_stop_hooks()
                step = self._step = step + 1
                done_steps += 1
                early = done_steps <= EARLY_REPORTS and done_steps & (done_steps - 1) == 0
                if single or early or self._clock.since_report() >= self.report_s:
                    diverged = self._report(step, epoch, done_steps / total_steps)
                    if diverged:
                        return diverged
                if single or self._clock.elapsed() - last_snapshot >= self.snapshot_s:
                    last_snapshot = self._clock.elapsed()
                    self._send_snapshot(step, epoch)
                    self._run_probes(step)
                if single:
                    self._end_single(result)
            diverged = self._report(step, epoch, done_steps / total_steps)
            if diverged:
                return diverged
            metrics = self._end_epoch(epoch, step)
            if metrics is None:  # the last weights fail on validation
                return self._diverged(step, epoch, self._good)
            # after the last epoch the run ends anyway: no "stopped early" then
            if self._patience_ran_out(metrics) and epoch < last_epoch:
                best = self._best[0].epoch if self._best else epoch
                message = (
                    f"Stopped early after epoch {epoch}: the validation loss had not improved "
                    f"for {self.config.patience} epochs (best: epoch {best})"
                )
                last_epoch = epoch
                break
        self._send_snapshot(step, last_epoch)
        self._run_probes(step)
        return self._finish("completed", message, step)

    def _train_step(self, x: torch.Tensor, y: torch.Tensor) -> None:
        if self._augment is not None:
            x = self._augment(x)
        self.optimizer.zero_grad(set_to_none=True)
        self._batch = x
        out = self.logits(x)
        loss = F.cross_entropy(out, y)
        extra = penalty(self._penalised, self.config)
        (loss if extra is None else loss + extra).backward()
        self.optimizer.step()
        self._window.add(loss.detach(), out.detach(), y)

    def _apply_live(self, step: int) -> None:
        """Put settings changed while running into effect from this step on."""
        with self._live_lock:
            config, self._live = self._live, None
        changes = live_changes(self.config, config) if config is not None else ()
        if changes:
            self.config = apply_live(self.optimizer, self.config, changes)
            event = SettingsChanged(step, changes)
            self.history.add_change(event)
            self.sink(event)

    def _end_single(self, result: Event) -> None:
        """After a single step: pause again (unless resumed or stopped meanwhile), then tell
        of it."""
        with self._rest_lock:
            if self._paused and not self._single and not self._stop.is_set():
                self._run.clear()
                # nothing writes the weights between here and the wait for Resume or Step
                # (but a roll-back, which says so): they may be copied from now on
                self._resting = True
        self.sink(result)

    def _add_stop_hooks(self) -> None:
        """Check for stop before every layer's forward and backward: a step that takes seconds
        then ends within one layer of a stop request. Only for slow steps: hooks take each
        layer off PyTorch's fast path, which would cost a small network ~10 % of its speed."""
        # a deep copy of the model (to classify with) copies its hooks too: they must not act
        # on the copy once this run is stopped
        owned = {id(m) for m in self.model.modules()}

        def check(*args: object) -> None:
            if self._stop.is_set():
                raise _Stopped

        def before(module: nn.Module, args: object) -> None:
            if id(module) in owned:
                check()

        def on_output(module: nn.Module, args: object, out: object) -> None:
            if id(module) in owned and isinstance(out, torch.Tensor) and out.requires_grad:
                out.register_hook(check)

        for m in self.model.modules():
            self._stop_hooks.append(m.register_forward_pre_hook(before))
            self._stop_hooks.append(m.register_forward_hook(on_output))

    def _wait_if_paused(self) -> bool:
        """Block while paused; False once stop was asked for."""
        with self._rest_lock:
            self._resting = not self._run.is_set()
        if self._resting:
            self._clock.pause()
            self._run.wait()
            self._clock.resume()
        return not self._stop.is_set()

    def _report(self, step: int, epoch: int, progress: float) -> Finished | None:
        """Emit the window's averages; the one place the device is synced during an epoch."""
        if self._window.count == 0:
            return None
        count = self._window.count
        loss, acc, samples, first_bad = self._window.take()
        if first_bad is not None:
            # the pending copy is proved good if at least its next step's loss was finite
            kept = replace(self._pending, verified=True) if first_bad > 0 else self._good
            return self._diverged(step - count + first_bad + 1, epoch, kept)
        sums = (loss * samples, acc * samples, samples)
        self._epoch_sums = [a + b for a, b in zip(self._epoch_sums, sums, strict=True)]
        proved = replace(self._pending, verified=True)
        self._good, self._pending = proved, _Checkpoint(_clone_state(self.model), step, False)
        since = max(self._clock.since_report(), 1e-9)
        rate = samples / since
        self._clock.mark_report()
        elapsed = self._clock.elapsed()
        eta = self._eta.update(since / count, self._plan[0] - step)
        m = StepMetrics(step, epoch, progress, loss, acc, rate, elapsed, eta, *self._plan)
        self.history.add_step(m)
        self.sink(m)
        return None

    def _end_epoch(self, epoch: int, step: int) -> EpochMetrics | None:
        """The epoch's metrics, recorded and sent; None, with nothing recorded, when the
        validation loss is not finite (the epoch's last weights are then rolled back)."""
        self._clock.pause()  # validation time is not training throughput
        val_loss, val_acc, probs = self._evaluate(self.data.x_val, self.data.y_val)
        self._clock.resume()
        if not math.isfinite(val_loss):
            return None
        p = probs.cpu().numpy()
        self.sink(Evaluation(epoch, p.argmax(1), p))
        loss_sum, correct_sum, samples = self._epoch_sums
        self._epoch_sums = [0.0, 0.0, 0]
        train_loss, train_acc = loss_sum / max(samples, 1), correct_sum / max(samples, 1)
        elapsed = self._clock.elapsed()
        rate = len(self.data.x_train) * (epoch - self._first_epoch + 1) / max(elapsed, 1e-9)
        m = EpochMetrics(epoch, step, train_loss, train_acc, val_loss, val_acc, rate, elapsed)
        self.history.add_epoch(m)
        self.sink(m)
        return m

    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        """Mean loss and accuracy in eval mode (dropout off, batch-norm running stats)."""
        loss, acc, _ = self._evaluate(x, y)
        return loss, acc

    def _evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, torch.Tensor]:
        """Mean loss, accuracy and the softmax probabilities (N, classes); a stop asked for
        ends it between chunks."""
        return evaluate_model(self.model, x, y, EVAL_CHUNK, self._raise_if_stopped)

    def _patience_ran_out(self, m: EpochMetrics) -> bool:
        """Keep the weights when m's validation loss is the best yet; True once it has not
        improved for config.patience epochs of this run."""
        if self._best is None or m.val_loss < self._best[0].val_loss:
            self._best = (m, _clone_state(self.model, "cpu"))
            self._since_best = 0
            return False
        self._since_best += 1
        return 0 < self.config.patience <= self._since_best

    @property
    def best(self) -> EpochMetrics | None:
        """The epoch with the lowest validation loss so far (None before the first epoch)."""
        return self._best[0] if self._best else None

    def best_weights(self) -> dict[str, torch.Tensor] | None:
        """A CPU copy of the best epoch's weights."""
        return self._best[1] if self._best else None

    def restore_best(self) -> EpochMetrics:
        """Load the best epoch's weights into the model (call between runs); returns that
        epoch's metrics."""
        if self._best is None:
            raise PlaygroundError("no epoch has been validated yet: there are no best weights")
        metrics, state = self._best
        self.model.load_state_dict(state)
        self._good = self._pending = _Checkpoint(_clone_state(self.model), metrics.step, True)
        return metrics

    def _raise_if_stopped(self) -> None:
        if self._stop.is_set():
            raise _Stopped

    def _send_snapshot(self, step: int, epoch: int) -> None:
        snap = weight_snapshot(self.model, step, epoch)
        self.history.add_gradients(snap)
        self.sink(snap)

    def set_probes(self, request: ProbeRequest) -> None:
        """Ask for what request names at every snapshot (the neurons and activation inputs
        on the last batch trained on). Safe from any thread."""
        self._probes = request

    def _run_probes(self, step: int) -> None:
        request = self._probes
        if request.any:
            pre = self.data.preprocessing
            self.sink(probe(self.model, step, request, self._batch, pre, self.device))

    def familiarity(self) -> Familiarity | None:
        """The training data's statistics on the network's features as they are now (call
        between runs), for flagging inputs unlike any of them."""
        return fit_familiarity(logits_part(self.model), self.data.x_val)

    def project(self) -> Project:
        """The trained network, its data set reference and its history, ready to save."""
        d = self.data
        return Project(
            self.spec,
            d.ref,
            self.config,
            d.class_names,
            d.preprocessing,
            self.model.state_dict(),
            self.history,
            familiarity=self.familiarity(),
        )

    # --- endings --------------------------------------------------------------------------
    def _diverged(self, step: int, epoch: int, kept: _Checkpoint) -> Finished:
        """Roll back to kept and say truthfully which weights those are."""
        with self._rest_lock:
            self._resting = False
        self.model.load_state_dict(kept.state)
        self.optimizer.state.clear()  # its moments hold NaN now; they would poison a next step
        self._good = self._pending = kept
        if not kept.verified:
            weights = (
                "The loss was not finite from the first step (check the data for NaN or "
                "infinite values); the weights the run started from are kept"
            )
        elif kept.step == self._start_step:
            weights = "The weights the run started from, the last with a finite loss, are kept"
        else:
            weights = f"The weights from step {kept.step:,}, the last with a finite loss, are kept"
        return self._finish(
            "diverged",
            f"The loss became infinite or NaN in epoch {epoch} at step {step:,}: the learning "
            f"rate is probably too high. {weights}; lower the learning rate and train again.",
            step,
        )

    def _end_stopped(self, epochs_done: int, step: int) -> Finished:
        diverged = self._report(step, max(epochs_done, 1), 0.0)
        return diverged or self._finish("stopped", "Training stopped", step)

    def _finish(self, status: str, message: str, step: int | None = None) -> Finished:
        step = self.history.last_step if step is None else step
        return Finished(status, message, self.history.epochs_done, step)


class _Window:
    """Each step's loss, scores and targets kept on the device between reports: no extra op
    and no sync a step. Hits are counted for the whole window at once when it is taken, so a
    GPU launches two kernels a report instead of two a step (on a 2-core CPU the difference is
    within the bench's noise; summing as it went cost ~3 % of an MLP's step time)."""

    def __init__(self) -> None:
        self.losses: list[torch.Tensor] = []
        self.scores: list[torch.Tensor] = []
        self.targets: list[torch.Tensor] = []
        self.samples = 0

    @property
    def count(self) -> int:
        return len(self.losses)

    def add(self, loss: torch.Tensor, scores: torch.Tensor, targets: torch.Tensor) -> None:
        self.losses.append(loss)
        self.scores.append(scores)
        self.targets.append(targets)
        self.samples += len(targets)

    def take(self) -> tuple[float, float, int, int | None]:
        """(mean loss, accuracy, samples, index of the first step whose loss was not finite or
        None) of the window, then empty it. One device sync reads all four."""
        losses = torch.stack(self.losses)
        bad = ~torch.isfinite(losses)
        hits = torch.cat(self.scores).argmax(1) == torch.cat(self.targets)
        first_bad = torch.where(bad.any(), bad.int().argmax(), -1)
        # float32, which every device has (MPS lacks float64); exact for counts below 2**24
        loss, correct, first = torch.stack(
            [losses.mean().float(), hits.sum().float(), first_bad.float()]
        ).tolist()
        samples = self.samples
        self.losses, self.scores, self.targets, self.samples = [], [], [], 0
        return loss, correct / samples, samples, None if first < 0 else int(first)


class _Eta:
    """Seconds left from the recent time per step (-1 while not known yet): the first steps
    (warm-up, first allocations) run slower, and an average over the whole run overestimated
    a 25 s run's end at 77 s."""

    WARM_UP_REPORTS = 3  # the first reports hold the warm-up: they predict nothing

    def __init__(self) -> None:
        self.step_s: float | None = None
        self.reports = 0

    def update(self, step_s: float, steps_left: int) -> float:
        self.reports += 1
        if self.reports <= self.WARM_UP_REPORTS:
            return -1.0
        self.step_s = step_s if self.step_s is None else 0.8 * self.step_s + 0.2 * step_s
        return max(0, steps_left) * self.step_s


class _Clock:
    """Training time that excludes pauses and validation."""

    def __init__(self) -> None:
        self._start = self._last_report = time.perf_counter()
        self._paused_at: float | None = None
        self._paused_total = 0.0

    def elapsed(self) -> float:
        now = self._paused_at or time.perf_counter()
        return now - self._start - self._paused_total

    def since_report(self) -> float:
        return time.perf_counter() - self._last_report

    def mark_report(self) -> None:
        self._last_report = time.perf_counter()

    def pause(self) -> None:
        self._paused_at = time.perf_counter()

    def resume(self) -> None:
        if self._paused_at is not None:
            gap = time.perf_counter() - self._paused_at
            self._paused_total += gap
            self._last_report += gap
            self._paused_at = None


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


def _cpu_copy(value: Any) -> Any:
    """value (an optimizer's state dict) with every tensor in it copied to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    if isinstance(value, dict):
        return {k: _cpu_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_cpu_copy(v) for v in value)
    return value


def _clone_state(model: nn.Module, device: str | None = None) -> dict[str, torch.Tensor]:
    return {k: v.detach().to(device or v.device, copy=True) for k, v in model.state_dict().items()}
