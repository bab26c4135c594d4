"""Training time and the time left: what a run's reports say of speed and ETA."""

from __future__ import annotations

import time


class Clock:
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


class Eta:
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
