"""One way to run slow work off the GUI thread (after Orange's `run(state)` tasks and its
ConcurrentMixin, and superqt's workers on a pool).

The work is a plain function `fn(*args, state)`: it reports progress with state.set_progress,
looks at state.cancelled between pieces, and returns its result or raises. The Task delivers
progress, the result or the exception object to the GUI thread as signals. Errors are logged
with their traceback; the window shows one line.

Tasks run on one capped pool of threads, set up for torch by the runner. An owner that
wants only its newest answer starts its tasks in a TaskSlot: starting a task there cancels the
slot's previous one and disconnects it from the owner, so a stale result can never arrive.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import SIGNAL, QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)
MAX_THREADS = 4  # beside the training thread, on any number of cores


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
        self._task._progress.emit(float(fraction), text)

    def progress(self, fraction: float, text: str = "") -> None:
        """A core function's progress callback: check for cancel, then report."""
        self.check()
        self.set_progress(fraction, text)


def stateless(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A core function as a task's work: called without the task's state."""

    def run(*args: Any) -> Any:
        return fn(*args[:-1])

    return run


def checked(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A core function fn(*args, check=…) as a task's work: check() raises once cancelled."""

    def run(*args: Any) -> Any:
        *fn_args, state = args
        return fn(*fn_args, check=state.check)

    return run


def with_progress(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A core function fn(*args, progress=…) as a task's work: progress(fraction, text)
    reports, and raises once cancelled."""

    def run(*args: Any) -> Any:
        *fn_args, state = args
        return fn(*fn_args, progress=state.progress)

    return run


def _prepare_torch(serial: bool) -> None:
    """Before a task's work, once torch is loaded: torch work on one thread, so that a task
    starts no second OpenMP team beside a run's (see set_torch_threads). The setting is the
    process's, not the thread's: while a run trains (serial False) it is the run's, and a
    task leaves it alone rather than take the run's threads away."""
    if serial and "torch" in sys.modules:
        from playground.core.training.device import set_torch_threads

        set_torch_threads(1)


class _Job(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        task = self.task
        try:
            task.state.check()  # cancelled while it waited for a thread
            _prepare_torch(task._serial)
            task._outcome = ("done", task._fn(*task._args, task.state))
        except Cancelled:
            task._outcome = ("cancelled", None)
        except Exception as e:  # every failure reaches the GUI as an object, none kills a thread
            task._outcome = ("failed", e)
        finally:
            task._ran.set()
            task._finished.emit()  # queued to the GUI thread, where the task lives


class Task(QObject):
    """Runs fn(*args, state) once; exactly one of done / failed / cancelled follows, then
    ended (the owner's signals), then closed (for those who watch every task)."""

    progressed = Signal(float, str)  # 0..1, what is being done
    done = Signal(object)  # the result
    failed = Signal(object)  # the exception object
    cancelled = Signal()
    ended = Signal()  # after any of the three
    closed = Signal()  # after ended, even for a task detached from its owner
    _progress = Signal(float, str)  # from the pool thread
    _finished = Signal()  # from the pool thread

    def __init__(self, title: str, fn: Callable[..., Any], args: tuple, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(f"task: {title}")
        self.title = title
        self.state = TaskState(self)
        self._fn, self._args = fn, args
        self._outcome: tuple[str, Any] = ("cancelled", None)
        self._ran = threading.Event()
        self._serial = True  # see _prepare_torch
        self._progress.connect(self.progressed)  # re-emitted on the GUI thread
        self._finished.connect(self._deliver)

    def cancel(self) -> None:
        self.state._cancel.set()

    def detach(self) -> None:
        """Cancel, and disconnect the owner: none of progressed, done, failed, cancelled or
        ended will reach it (a result already on its way included)."""
        self.cancel()
        for signal, signature in (
            (self.done, "done(PyObject)"),
            (self.failed, "failed(PyObject)"),
            (self.cancelled, "cancelled()"),
            (self.ended, "ended()"),
            (self.progressed, "progressed(double,QString)"),
        ):
            if self.receivers(SIGNAL(signature)):
                signal.disconnect()

    def wait(self, timeout_ms: int) -> bool:
        """Wait for the work function to return; whether it did in time."""
        return self._ran.wait(timeout_ms / 1000)

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
        self.closed.emit()
        self.deleteLater()


class TaskRunner(QObject):
    """Starts tasks on a capped pool and knows which still run (so closing can wait)."""

    started = Signal(object)  # Task

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running: list[Task] = []
        self.torch_serial = True  # False while a run trains (see _prepare_torch)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(MAX_THREADS)

    def start(self, title: str, fn: Callable[..., Any], *args: Any) -> Task:
        task = Task(title, fn, args, self)
        task._serial = self.torch_serial
        self.running.append(task)
        task.closed.connect(lambda: self.running.remove(task))
        self.started.emit(task)
        self.pool.start(_Job(task))
        return task

    def slot(self) -> TaskSlot:
        """A slot for one owner's tasks (see TaskSlot)."""
        return TaskSlot(self)

    def cancel_all(self, wait_ms: int = 10_000) -> None:
        """Cancel every task and wait for the pool's threads (at closing)."""
        for task in list(self.running):
            task.cancel()
        self.pool.waitForDone(wait_ms)


class TaskSlot:
    """One owner's one task at a time: a new task cancels and detaches the previous one, so
    only the newest task's answer reaches the owner."""

    def __init__(self, runner: TaskRunner) -> None:
        self.runner = runner
        self.task: Task | None = None

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start(self, title: str, fn: Callable[..., Any], *args: Any) -> Task:
        self.cancel()
        task = self.task = self.runner.start(title, fn, *args)
        task.closed.connect(lambda: self._closed(task))
        return task

    def cancel(self) -> None:
        """Forget the task under way: it ends unheard."""
        task, self.task = self.task, None
        if task is not None:
            task.detach()

    def _closed(self, task: Task) -> None:
        if task is self.task:
            self.task = None
