"""The one bridge between Qt and the core trainer: a QThread that runs it and emits its events.

The thread object itself lives in the GUI thread, so its signals, emitted from run(), reach the
views as queued calls; nothing else crosses between the threads.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal
from torch import nn

from playground.core.config import TrainConfig
from playground.core.data.dataset import Dataset
from playground.core.device import TRAINING_THREADS, set_torch_threads
from playground.core.errors import PlaygroundError
from playground.core.events import (
    EpochMetrics,
    Evaluation,
    Event,
    Finished,
    Probe,
    Snapshot,
    StepMetrics,
)
from playground.core.history import History
from playground.core.spec import NetworkSpec
from playground.core.trainer import Trainer


class TrainingWorker(QThread):
    """Runs the core trainer; its events (throttled by the trainer) become signals."""

    stepped = Signal(object)  # StepMetrics
    epochEnded = Signal(object)  # EpochMetrics
    snapshotTaken = Signal(object)  # Snapshot
    evaluated = Signal(object)  # Evaluation
    probed = Signal(object)  # Probe
    trainingFinished = Signal(object)  # Finished
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

    def run(self) -> None:
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
            self.trainingFinished.emit(Finished("error", str(e), self._history.epochs_done, 0))
        except Exception as e:  # shown to the user instead of a silent thread death
            self.trainingFinished.emit(
                Finished(
                    "error",
                    f"Training failed: {type(e).__name__}: {e}",
                    self._history.epochs_done,
                    0,
                )
            )

    def _emit(self, event: Event) -> None:
        if isinstance(event, StepMetrics):
            self.stepped.emit(event)
        elif isinstance(event, EpochMetrics):
            self.epochEnded.emit(event)
        elif isinstance(event, Snapshot):
            self.snapshotTaken.emit(event)
        elif isinstance(event, Evaluation):
            self.evaluated.emit(event)
        elif isinstance(event, Probe):
            self.probed.emit(event)
        elif isinstance(event, Finished):
            self.trainingFinished.emit(event)

    # Called from the GUI thread; the trainer's controls are thread-safe.
    def pause(self) -> None:
        with self._lock:
            self._pause_asked = True
            if self.trainer:
                self.trainer.pause()

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
