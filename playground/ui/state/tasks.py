"""One way to run slow work off the GUI thread (after Orange's `run(state)` tasks).

The work is a plain function `fn(*args, state)`: it reports progress with state.set_progress,
looks at state.cancelled between pieces, and returns its result or raises. The Task delivers
progress, the result or the exception object to the GUI thread as signals. Errors are logged
with their traceback; the window shows one line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised by TaskState.check() once the task was cancelled."""


class TaskState:
    """What the work function sees of its task: progress out, cancellation in. Thread-safe."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if the task was cancelled (call it between pieces of work)."""
        if self._cancel.is_set():
            raise Cancelled

    def set_progress(self, fraction: float, text: str = "") -> None:
        self._task.progressed.emit(float(fraction), text)


class Task(QThread):
    """Runs fn(*args, state) once; exactly one of done / failed / cancelled follows."""

    progressed = Signal(float, str)  # 0..1, what is being done
    done = Signal(object)  # the result
    failed = Signal(object)  # the exception object
    cancelled = Signal()
    ended = Signal()  # after any of the three

    def __init__(self, title: str, fn: Callable[..., Any], args: tuple, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(f"task: {title}")
        self.title = title
        self.state = TaskState(self)
        self._fn, self._args = fn, args
        self._outcome: tuple[str, Any] = ("cancelled", None)
        self.finished.connect(self._deliver)  # QThread.finished: queued to the GUI thread

    def run(self) -> None:
        try:
            self._outcome = ("done", self._fn(*self._args, self.state))
        except Cancelled:
            self._outcome = ("cancelled", None)
        except Exception as e:  # every failure reaches the GUI as an object, none kills a thread
            self._outcome = ("failed", e)

    def cancel(self) -> None:
        self.state._cancel.set()

    def _deliver(self) -> None:
        kind, value = self._outcome
        if kind == "done" and self.state.cancelled:
            kind = "cancelled"  # cancelled too late to stop it: the person no longer wants it
        if kind == "done":
            self.done.emit(value)
        elif kind == "failed":
            log.error("%s failed", self.title, exc_info=value)
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.ended.emit()
        self.deleteLater()


class TaskRunner(QObject):
    """Starts tasks and knows which still run (so closing the window can wait for them)."""

    started = Signal(object)  # Task

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running: list[Task] = []

    def start(self, title: str, fn: Callable[..., Any], *args: Any) -> Task:
        task = Task(title, fn, args, self)
        self.running.append(task)
        task.ended.connect(lambda: self.running.remove(task))
        self.started.emit(task)
        task.start()
        return task

    def cancel_all(self, wait_ms: int = 10_000) -> None:
        """Cancel every task and wait for their threads (at closing)."""
        for task in list(self.running):
            task.cancel()
            task.wait(wait_ms)
