"""The one bridge between Qt and the core trainer: a QThread that runs it and emits its events.

The thread object itself lives in the GUI thread, so its signals, emitted from run(), reach the
views as queued calls; nothing else crosses between the threads. Events travel in batches: each
signal wakes the GUI thread, and on a small CPU every wake-up takes time from training.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QThread, Signal
from torch import nn

from playground.core.config import TrainConfig
from playground.core.data.dataset import Dataset
from playground.core.device import TRAINING_THREADS, set_torch_threads, yield_to_other_threads
from playground.core.errors import PlaygroundError
from playground.core.events import Event, Finished
from playground.core.history import History
from playground.core.spec import NetworkSpec
from playground.core.trainer import Trainer

BATCH_S = 0.1  # the GUI thread is sent the trainer's events at most this often


class TrainingWorker(QThread):
    """Runs the core trainer; its events (throttled by the trainer) are emitted in batches."""

    eventsReady = Signal(object)  # list[Event], oldest first; connect it queued (see flush)
    deviceChosen = Signal(str)  # device type

    def __init__(
        self,
        spec: NetworkSpec,
        dataset: Dataset,
        config: TrainConfig,
        model: nn.Sequential | None,
        history: History,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("training")
        self._args = (spec, dataset, config)
        self._model, self._history = model, history
        self.trainer: Trainer | None = None
        self._lock = threading.Lock()
        self._stop_asked = False
        self._pause_asked = False
        self._probes: tuple = (None, False)
        self._pending: list[Event] = []
        self._sent_at = 0.0

    def run(self) -> None:
        yield_to_other_threads()
        set_torch_threads(TRAINING_THREADS)
        try:
            trainer = Trainer(
                *self._args, sink=self._emit, model=self._model, history=self._history
            )
            with self._lock:
                self.trainer = trainer
                if self._pause_asked:
                    trainer.pause()
                if self._stop_asked:
                    trainer.stop()
                trainer.set_probes(*self._probes)
            self.deviceChosen.emit(trainer.device.type)
            trainer.run()
        except PlaygroundError as e:
            self._emit(Finished("error", str(e), self._history.epochs_done, 0))
        except Exception as e:  # shown to the user instead of a silent thread death
            message = f"Training failed: {type(e).__name__}: {e}"
            self._emit(Finished("error", message, self._history.epochs_done, 0))

    def _emit(self, event: Event) -> None:
        with self._lock:
            self._pending.append(event)
            due = isinstance(event, Finished) or time.monotonic() - self._sent_at >= BATCH_S
        if due:
            self.flush()

    def flush(self) -> None:
        """Emit the events held back so far. Also called from the GUI thread (on pause), where
        the emission is direct: the session connects eventsReady queued to keep the order."""
        with self._lock:
            events, self._pending = self._pending, []
            self._sent_at = time.monotonic()
        if events:
            self.eventsReady.emit(events)

    # Called from the GUI thread; the trainer's controls are thread-safe.
    def pause(self) -> None:
        with self._lock:
            self._pause_asked = True
            if self.trainer:
                self.trainer.pause()
        self.flush()  # what the trainer reported last is shown while paused

    def resume(self) -> None:
        with self._lock:
            self._pause_asked = False
            if self.trainer:
                self.trainer.resume()

    def set_probes(self, sample, boundary: bool) -> None:
        with self._lock:
            self._probes = (sample, boundary)
            if self.trainer:
                self.trainer.set_probes(sample, boundary)

    def stop(self) -> None:
        with self._lock:
            self._stop_asked = True
            if self.trainer:
                self.trainer.stop()
