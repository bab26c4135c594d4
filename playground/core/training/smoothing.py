"""The smoothed loss curve: TensorBoard's debiased exponential moving average, taken over every
reported loss as it arrives (before the history merges its points), at a few fixed strengths.

A point of the smoothed curve is the average up to that report, sampled where the history
keeps a point; thinning the curve drops samples and never averages them. So the curve does not
change with the run's length or the plot's zoom: a step's smoothed value, once drawn, stays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

LEVELS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.98, 0.99)  # the smoothing slider's stops
DEFAULT_LEVEL = 2  # 0.6
DIGITS = 4  # significant digits kept in files: 1 part in 10,000, finer than a plot shows


class SmoothedLoss:
    """The running averages at LEVELS[1:] (0 is the raw curve) and their samples."""

    def __init__(self) -> None:
        self.factors = np.array(LEVELS[1:])
        self._sum = np.zeros(len(self.factors))  # the undebiased average
        self._weight = np.zeros(len(self.factors))  # 1 - factor ** reports: the debiasing
        self.steps = np.zeros(0)
        self.values = np.zeros((0, len(self.factors)))

    def add(self, loss: float, count: int = 1) -> None:
        """count reports of this loss (one not finite leaves the averages as they were)."""
        if np.isfinite(loss):
            f = self.factors**count
            self._sum = f * self._sum + (1 - f) * loss
            self._weight = f * self._weight + (1 - f)

    def sample(self, step: float) -> None:
        """Keep the averages as they are now, at step."""
        with np.errstate(invalid="ignore", divide="ignore"):
            now = np.where(self._weight > 0, self._sum / self._weight, np.nan)
        self.steps = np.append(self.steps, step)
        self.values = np.vstack([self.values, now])

    def thin(self) -> None:
        """Keep every second sample (the later of each pair, and an odd last one)."""
        n = len(self.steps)
        keep = np.r_[np.arange(1, n, 2), [n - 1] if n % 2 else []].astype(int)
        self.steps, self.values = self.steps[keep], self.values[keep]

    def curve(self, level: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, smoothed loss) at LEVELS[level] (level ≥ 1)."""
        return self.steps, self.values[:, level - 1]

    def part(self, after_step: float, max_points: int) -> SmoothedLoss:
        """The samples after after_step, thinned to at most max_points."""
        out = SmoothedLoss()
        keep = self.steps > after_step
        out.steps, out.values = self.steps[keep], self.values[keep]
        out._sum, out._weight = self._sum.copy(), self._weight.copy()
        while len(out.steps) > max_points:
            out.thin()
        return out

    def to_dict(self) -> dict[str, Any]:
        def rounded(a: np.ndarray) -> list:
            return [float(f"{v:.{DIGITS}g}") for v in a.ravel()]

        return {
            "steps": self.steps.tolist(),
            "values": rounded(self.values),
            "sum": self._sum.tolist(),
            "weight": self._weight.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SmoothedLoss:
        out = cls()
        n = len(out.factors)
        steps = np.asarray(d["steps"], dtype=float)
        values = np.asarray(d["values"], dtype=float)
        total, weight = (np.asarray(d[k], dtype=float) for k in ("sum", "weight"))
        if values.size != n * len(steps) or total.shape != (n,) or weight.shape != (n,):
            raise ValueError("the smoothed loss has arrays of the wrong sizes")
        out.steps, out.values = steps, values.reshape(len(steps), n)
        out._sum, out._weight = total, weight
        return out

    @classmethod
    def rebuilt(cls, steps: np.ndarray, losses: np.ndarray, stride: int) -> SmoothedLoss:
        """From a history's stored points alone (files of older versions): each point counts
        as the stride reports it averages."""
        out, rows = cls(), []
        for loss in losses:
            out.add(loss, stride)
            rows.append(out._sum / np.maximum(out._weight, 1e-300))
        out.steps = np.asarray(steps, dtype=float)
        out.values = np.array(rows).reshape(len(out.steps), len(out.factors))
        return out
