"""A training speed a person can watch, as TensorFlow Playground's play: at most so many
steps a second. Toy data trains 100 epochs in a blink at full speed; at 5 steps a second
the boundary can be seen bending. A plain setting the loop honours between steps."""

from __future__ import annotations

import threading
import time


class Pace:
    """At most steps_per_s steps a second (0: as fast as the machine goes); set may be called
    from another thread while the loop waits."""

    def __init__(self, steps_per_s: float = 0.0) -> None:
        self.steps_per_s = steps_per_s
        self._next = 0.0  # perf_counter time the next step may start at

    def set(self, steps_per_s: float) -> None:
        self.steps_per_s = max(0.0, float(steps_per_s))
        self._next = 0.0  # the new pace counts from now, not from the old one's schedule

    def wait(self, stop: threading.Event) -> None:
        """Before a step: wait for its turn (at once when stop is set), then book the next."""
        rate = self.steps_per_s
        if rate <= 0:
            return
        now = time.perf_counter()
        if self._next > now:
            # short waits, so a faster pace chosen meanwhile takes effect at once
            while not stop.is_set() and time.perf_counter() < self._next and self.steps_per_s:
                stop.wait(min(0.05, self._next - time.perf_counter()))
            now = time.perf_counter()
        self._next = max(now, self._next) + 1 / rate if self.steps_per_s else 0.0
