"""Metric history that stays small: old step points are merged pairwise as the run grows."""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import Any

import numpy as np

from playground.core.training.events import (
    EpochMetrics,
    Event,
    SettingsChanged,
    Snapshot,
    StepMetrics,
)
from playground.core.training.smoothing import SmoothedLoss

MAX_STEP_POINTS = 4096
MAX_GRADIENT_POINTS = 1024  # per layer
MAX_CHANGES = 10_000  # settings changes while training, kept in a saved history
MAX_SETTING_VALUES = 64  # the values one setting took while the weights trained
Scalar = str | int | float | bool


class History:
    """Step losses (downsampled, bounded) and every epoch's metrics."""

    def __init__(self, max_points: int = MAX_STEP_POINTS) -> None:
        self.max_points = max_points
        self._steps = np.zeros(0)
        self._loss = np.zeros(0)
        self._acc = np.zeros(0)
        self.epochs: list[EpochMetrics] = []
        self._stride = 1  # reports averaged into each stored point
        self._pending: list[tuple[float, float, float]] = []
        self._last_step = 0
        self.smoothed = SmoothedLoss()  # of every report, sampled at the stored points
        # layer name -> [(step, mean |gradient|)], thinned by halves when full
        self.gradients: dict[str, list[tuple[int, float]]] = {}
        self.changes: list[SettingsChanged] = []  # settings changed while training ran
        # setting -> every value it took while these weights trained (in order of first use)
        self.trained_with: dict[str, list[Scalar]] = {}

    @property
    def last_step(self) -> int:
        return max(self._last_step, self.epochs[-1].step if self.epochs else 0)

    @property
    def epochs_done(self) -> int:
        return self.epochs[-1].epoch if self.epochs else 0

    def add_step(self, m: StepMetrics) -> None:
        self._last_step = m.step
        self.smoothed.add(m.loss)
        self._pending.append((m.step, m.loss, m.accuracy))
        if len(self._pending) < self._stride:
            return
        step, loss, acc = np.mean(self._pending, axis=0)
        self._pending.clear()
        self.smoothed.sample(m.step)
        self._steps = np.append(self._steps, step)
        self._loss = np.append(self._loss, loss)
        self._acc = np.append(self._acc, acc)
        if len(self._steps) > self.max_points:
            self._steps, self._loss, self._acc = (
                _merge_pairs(a) for a in (self._steps, self._loss, self._acc)
            )
            self.smoothed.thin()
            self._stride *= 2

    def add_epoch(self, m: EpochMetrics) -> None:
        self.epochs.append(m)

    def add_gradients(self, snap: Snapshot) -> None:
        for name, value in snap.grad_magnitudes.items():
            points = self.gradients.setdefault(name, [])
            points.append((snap.step, value))
            if len(points) > MAX_GRADIENT_POINTS:
                del points[::2]

    def add_change(self, change: SettingsChanged) -> None:
        self.changes.append(change)
        self.note_settings({name: new for name, _, new in change.changes})

    def note_settings(self, settings: dict[str, Any]) -> None:
        """Add the values of settings (a config's, as a run starts) to trained_with."""
        for name, value in settings.items():
            if isinstance(value, Scalar):
                values = self.trained_with.setdefault(name, [])
                if value not in values and len(values) < MAX_SETTING_VALUES:
                    values.append(value)

    def record(self, event: Event) -> None:
        """Keep what a trainer event adds to the run's record (other events add nothing)."""
        if isinstance(event, StepMetrics):
            self.add_step(event)
        elif isinstance(event, EpochMetrics):
            self.add_epoch(event)
        elif isinstance(event, Snapshot):
            self.add_gradients(event)
        elif isinstance(event, SettingsChanged):
            self.add_change(event)

    def copy(self) -> History:
        return copy.deepcopy(self)

    @property
    def empty(self) -> bool:
        return not len(self._steps) and not self.epochs

    def part(self, after_step: int, max_points: int) -> History:
        """The step points and epochs after after_step, merged down to at most max_points;
        without the gradients."""
        h = History(max_points)
        keep = self._steps > after_step
        arrays = [a[keep] for a in (self._steps, self._loss, self._acc)]
        while len(arrays[0]) > max_points:
            arrays = [_merge_pairs(a) for a in arrays]
            h._stride *= 2
        h._steps, h._loss, h._acc = arrays
        h.smoothed = self.smoothed.part(after_step, max_points)
        h.epochs = [e for e in self.epochs if e.step > after_step]
        h.trained_with = copy.deepcopy(self.trained_with)
        h.changes = [c for c in self.changes if c.step > after_step]
        h._last_step = self._last_step
        return h

    def steps(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(step, loss, accuracy) arrays."""
        return self._steps, self._loss, self._acc

    def smoothed_loss(self, level: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, training loss) smoothed at smoothing.LEVELS[level]; 0: the stored points."""
        return self.smoothed.curve(level) if level else (self._steps, self._loss)

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": self._steps.tolist(),
            "loss": self._loss.tolist(),
            "accuracy": self._acc.tolist(),
            "epochs": [asdict(e) for e in self.epochs],
            "gradients": {k: [list(p) for p in v] for k, v in self.gradients.items()},
            "changes": [
                {"step": c.step, "changes": [list(t) for t in c.changes]} for c in self.changes
            ],
            "stride": self._stride,
            "smoothed": self.smoothed.to_dict(),
            "trained_with": self.trained_with,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        h = cls()
        h._steps, h._loss, h._acc = (
            np.asarray(d.get(k, []), dtype=float) for k in ("steps", "loss", "accuracy")
        )
        if not len(h._steps) == len(h._loss) == len(h._acc):
            raise ValueError("history arrays differ in length")
        h.epochs = [EpochMetrics(**e) for e in d.get("epochs", [])]
        h._last_step = int(h._steps[-1]) if len(h._steps) else 0
        h._stride = int(d.get("stride", 1))
        if not 1 <= h._stride <= 2**40:
            raise ValueError("the history's stride is out of range")
        smoothed = d.get("smoothed")
        h.smoothed = (
            SmoothedLoss.from_dict(smoothed)
            if smoothed
            else SmoothedLoss.rebuilt(h._steps, h._loss, h._stride)
        )
        h.gradients = {
            str(name): [(int(step), float(value)) for step, value in points]
            for name, points in dict(d.get("gradients") or {}).items()
        }
        changes = d.get("changes") or []
        if not isinstance(changes, list) or len(changes) > MAX_CHANGES:
            raise ValueError(f"history changes must be a list of at most {MAX_CHANGES:,}")
        h.changes = [_change(c) for c in changes]
        h.trained_with = _trained_with(d.get("trained_with") or {})
        return h


def _trained_with(d: Any) -> dict[str, list[Scalar]]:
    """A saved record of the settings trained with, checked: ValueError if it is not one."""
    if not isinstance(d, dict) or len(d) > 64:
        raise ValueError("the settings trained with must be an object of at most 64 settings")
    record = {}
    for name, values in d.items():
        if not (
            isinstance(values, list)
            and len(values) <= MAX_SETTING_VALUES
            and all(isinstance(v, Scalar) and len(str(v)) <= 200 for v in values)
            and len(name) <= 40
        ):
            raise ValueError(f"the values trained with of {name[:40]!r} are not a short list")
        record[name] = list(values)
    return record


def _change(d: Any) -> SettingsChanged:
    """A saved settings change, checked: ValueError if it is not one."""
    changes = d.get("changes") if isinstance(d, dict) else None
    if not isinstance(changes, list) or len(changes) > 8:
        raise ValueError("a settings change must list (setting, old, new) triples")
    triples = []
    for c in changes:
        if not (isinstance(c, list) and len(c) == 3 and isinstance(c[0], str) and len(c[0]) < 40):
            raise ValueError("a settings change must list (setting, old, new) triples")
        old, new = float(c[1]), float(c[2])
        if not (np.isfinite(old) and np.isfinite(new)):
            raise ValueError("a settings change holds a number that is not finite")
        triples.append((c[0], old, new))
    return SettingsChanged(int(d.get("step", 0)), tuple(triples))


def _merge_pairs(a: np.ndarray) -> np.ndarray:
    """Average neighbours pairwise, keeping an odd last point as it is."""
    even = len(a) - len(a) % 2
    merged = a[:even].reshape(-1, 2).mean(axis=1)
    return np.concatenate([merged, a[even:]])


def smooth(values: np.ndarray, factor: float) -> np.ndarray:
    """Exponential moving average with TensorBoard's debiasing; factor 0 returns the values.

    Vectorised: ema[t] = sum_i (1-f) f^(t-i) x[i] / (1 - f^(t+1)), computed in blocks so the
    powers of f stay within float64.
    """
    x = np.asarray(values, dtype=float)
    if factor <= 0 or len(x) == 0:
        return x
    out = np.empty(len(x))
    carry, weight = 0.0, 0.0  # the undebiased average and its weight at the end of a block
    block = max(1, int(200 / -np.log(factor)) if factor < 1 else 1)
    for start in range(0, len(x), block):
        chunk = x[start : start + block]
        k = np.arange(1, len(chunk) + 1)
        powers = factor**k
        sums = np.cumsum((1 - factor) * chunk * factor ** (-k)) * powers
        ema = carry * powers + sums
        weights = weight * powers + (1 - powers)
        out[start : start + len(chunk)] = ema / weights
        carry, weight = ema[-1], weights[-1]
    return out
