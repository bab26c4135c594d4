"""One timer draws the live widgets in turn, at most one per tick, within a CPU budget.

With every view on screen, separate timers fired together and the window repainted all of them
in one event: 50-150 ms in which the GUI thread, sharing the cores and the GIL with training,
answered nothing. Taking turns bounds a tick's work by the costliest single view.

While training runs, every millisecond the GUI thread spends is taken from it (on a 2-core
machine it stalls the training thread's OpenMP team), so then the views draw only while the GUI
thread's CPU share stays under BUDGET; a view on screen still shows new data every MAX_WAIT_S.
One visible view stays well under the budget and draws at its own rate.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QWidget

TICK_MS = 50
BUDGET = 0.04  # of one core, while training runs
MAX_WAIT_S = 2.0
SHARE_S = 0.5  # short, so that the one-off work of pressing Train is soon forgotten


class _Entry:
    def __init__(self, widget: QWidget, draw: Callable[[], bool], interval_ms: int) -> None:
        self.widget = weakref.ref(widget)
        self.draw = weakref.WeakMethod(draw)
        self.interval_s = interval_ms / 1000
        self.drawn_at = 0.0

    def alive(self) -> bool:
        w = self.widget()
        return w is not None and shiboken6.isValid(w) and self.draw() is not None


class _Scheduler(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.entries: list[_Entry] = []
        self.budgeted = False
        self.share = 0.0  # the GUI thread's CPU share, averaged over about SHARE_S
        self.ticks = 0
        self._next = 0
        self._clock = (time.monotonic(), time.thread_time())
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        self.ticks += 1
        self.entries = [e for e in self.entries if e.alive()]
        now = self._measure()
        wait_s = MAX_WAIT_S if self.budgeted and self.share > BUDGET else 0.0
        n = len(self.entries)
        for i in range(n):
            k = (self._next + i) % n
            entry = self.entries[k]
            if now - entry.drawn_at < max(entry.interval_s, wait_s):
                continue
            draw = entry.draw()
            if draw is not None and draw():
                entry.drawn_at = now
                self._next = k + 1
                return

    def _measure(self) -> float:
        """Update share from the thread's CPU time since the last tick; returns the time."""
        now, cpu = time.monotonic(), time.thread_time()
        then, cpu_then = self._clock
        self._clock = (now, cpu)
        dt = now - then
        if dt > 0:
            self.share += min(1.0, dt / SHARE_S) * ((cpu - cpu_then) / dt - self.share)
        return now


_scheduler: _Scheduler | None = None


def scheduler() -> _Scheduler:
    """The application's one redraw scheduler."""
    global _scheduler
    if _scheduler is None or not shiboken6.isValid(_scheduler):
        _scheduler = _Scheduler(QCoreApplication.instance())
    return _scheduler


def schedule(widget: QWidget, draw: Callable[[], bool], interval_ms: int) -> None:
    """Call draw, a bound method of widget that returns whether it drew, on a tick at most
    every interval_ms, taking turns with the other scheduled widgets."""
    scheduler().entries.append(_Entry(widget, draw, interval_ms))


def set_budgeted(on: bool) -> None:
    """Hold the views to the CPU budget (while training runs) or not."""
    scheduler().budgeted = on
