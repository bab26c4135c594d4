"""The controls a person works while training runs: pause, resume, a single step, stop, the
pace and live settings. Set from any thread; the loop reads them between two steps."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from playground.core.training.config import TrainConfig
from playground.core.training.pace import Pace

T = TypeVar("T")


class Stopped(Exception):
    """Raised inside a long step or validation pass once stop is in effect."""


class Controls:
    """What was asked of a run, and whether it is resting (paused between two steps)."""

    def __init__(self) -> None:
        self._run = threading.Event()
        self._run.set()
        self._asked = threading.Event()  # stop asked for
        self._stop = threading.Event()  # stop in effect (under torchrun: once all ranks agree)
        self._paused = False  # asked to pause; a single step pauses again after it
        self._single = False
        self._rest_lock = threading.Lock()
        self._resting = False  # waiting while paused, between two steps
        self._live_lock = threading.Lock()
        self._live: TrainConfig | None = None  # settings changed while running, not yet applied
        self.pace = Pace()  # full speed unless a person slows it down to watch

    def pause(self) -> None:
        self._paused = True
        self._run.clear()

    def resume(self) -> None:
        self._paused = self._single = False
        self._wake()

    def step_once(self) -> None:
        """Run exactly one mini-batch, then pause again."""
        self._single = True
        self._wake()

    def ask_stop(self) -> None:
        """Wake the loop with a stop asked for, not yet in effect (see confirm_stop)."""
        self._asked.set()
        self._wake()

    def stop(self) -> None:
        """Stop at once: a long step or validation ends between two layers or chunks."""
        self._asked.set()
        self.confirm_stop()
        self._wake()

    def confirm_stop(self) -> None:
        self._stop.set()

    @property
    def stop_asked(self) -> bool:
        return self._asked.is_set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def raise_if_stopped(self) -> None:
        if self._stop.is_set():
            raise Stopped

    def change_settings(self, config: TrainConfig) -> None:
        with self._live_lock:
            self._live = config

    def take_settings(self) -> TrainConfig | None:
        """The settings changed since the last call, or None."""
        with self._live_lock:
            config, self._live = self._live, None
        return config

    def set_pace(self, steps_per_s: float) -> None:
        """At most steps_per_s steps a second from now on (0: full speed)."""
        self.pace.set(steps_per_s)

    def keep_pace(self) -> None:
        """Before a step: wait for its turn at the pace set (at once once stop is asked)."""
        self.pace.wait(self._asked)

    def take_single(self) -> bool:
        """Whether the next step is a single one (Step), which it then is no longer."""
        single, self._single = self._single, False
        return single

    def wait_if_paused(self, on_rest: Callable[[], None], on_wake: Callable[[], None]) -> bool:
        """Block while paused (calling on_rest before and on_wake after); False once stop is in
        effect."""
        with self._rest_lock:
            self._resting = not self._run.is_set()
        if self._resting:
            on_rest()
            self._run.wait()
            on_wake()
        return not self._stop.is_set()

    def rest_after_single(self) -> None:
        """After a single step: pause again, unless resumed or stopped meanwhile."""
        with self._rest_lock:
            if self._paused and not self._single and not self._asked.is_set():
                self._run.clear()
                # nothing writes the weights between here and the wait for Resume or Step
                # (but a roll-back, which ends resting first): they may be copied from now on
                self._resting = True

    def end_rest(self) -> None:
        """The weights are about to change outside a step (a roll-back)."""
        with self._rest_lock:
            self._resting = False

    def while_resting(self, copy: Callable[[], T]) -> T | None:
        """copy() while paused between two steps (no step starts meanwhile); None otherwise."""
        with self._rest_lock:
            return copy() if self._resting else None

    def _wake(self) -> None:
        with self._rest_lock:
            self._resting = False
            self._run.set()
