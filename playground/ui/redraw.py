"""One timer draws the live widgets in turn, at most one per tick.

With every view on screen, separate timers fired together and the window repainted all of them
in one event: 50-150 ms in which the GUI thread, sharing the cores and the GIL with training,
answered nothing. Taking turns bounds a tick's work by the costliest single view.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QWidget

TICK_MS = 40


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
        self._next = 0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        self.entries = [e for e in self.entries if e.alive()]
        now = time.monotonic()
        n = len(self.entries)
        for i in range(n):
            k = (self._next + i) % n
            entry = self.entries[k]
            if now - entry.drawn_at < entry.interval_s:
                continue
            draw = entry.draw()
            if draw is not None and draw():
                entry.drawn_at = now
                self._next = k + 1
                return


_scheduler: _Scheduler | None = None


def schedule(widget: QWidget, draw: Callable[[], bool], interval_ms: int) -> None:
    """Call draw, a bound method of widget that returns whether it drew, on a tick at most
    every interval_ms, taking turns with the other scheduled widgets."""
    global _scheduler
    if _scheduler is None or not shiboken6.isValid(_scheduler):
        _scheduler = _Scheduler(QCoreApplication.instance())
    _scheduler.entries.append(_Entry(widget, draw, interval_ms))
