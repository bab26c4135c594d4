"""The training session: owns the worker thread, the trained model and its history."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal
from torch import nn

from playground.core.config import TrainConfig
from playground.core.data.dataset import Dataset
from playground.core.events import Finished
from playground.core.history import History
from playground.core.spec import NetworkSpec
from playground.ui.worker import TrainingWorker

IDLE, RUNNING, PAUSED, TRAINED = "idle", "running", "paused", "trained"


class TrainingSession(QObject):
    stateChanged = Signal(str)
    stepped = Signal(object)
    epochEnded = Signal(object)
    snapshotTaken = Signal(object)
    finished = Signal(object)
    deviceChosen = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = IDLE
        self.model: nn.Sequential | None = None
        self.history = History()
        self.spec: NetworkSpec | None = None
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None

    @property
    def busy(self) -> bool:
        return self.state in (RUNNING, PAUSED)

    def start(self, spec: NetworkSpec, dataset: Dataset, config: TrainConfig) -> None:
        """Train; continues from the current weights when the network is unchanged."""
        if self.busy:
            return
        if spec != self.spec:
            self.model, self.history = None, History()
        self.spec = spec
        worker = TrainingWorker(spec, dataset, config, self.model, self.history)
        thread = QThread(self)
        thread.setObjectName("training")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.stepped.connect(self.stepped)
        worker.epochEnded.connect(self.epochEnded)
        worker.snapshotTaken.connect(self.snapshotTaken)
        worker.started.connect(self.deviceChosen)
        worker.finished.connect(self._on_finished)
        worker.finished.connect(thread.quit)
        thread.finished.connect(worker.deleteLater)
        self._thread, self._worker = thread, worker
        self._set_state(RUNNING)
        thread.start()

    def pause(self) -> None:
        if self._worker and self.state == RUNNING:
            self._worker.pause()
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self._worker and self.state == PAUSED:
            self._worker.resume()
            self._set_state(RUNNING)

    def stop(self) -> None:
        if self._worker and self.busy:
            self._worker.stop()

    def reset(self) -> None:
        """Forget the trained weights and history (the network's spec stays)."""
        if self.busy:
            return
        self.model, self.history, self.spec = None, History(), None
        self._set_state(IDLE)

    def load(self, spec: NetworkSpec, model: nn.Sequential | None, history: History) -> None:
        """Take over a saved model and its history (an opened project)."""
        if self.busy:
            return
        self.spec, self.model, self.history = spec, model, history
        self._set_state(TRAINED if model is not None else IDLE)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop training and wait for the thread; True if it ended in time."""
        thread = self._thread
        if thread is None:
            return True
        self.stop()
        thread.quit()
        ended = thread.wait(timeout_ms)
        self._thread = self._worker = None
        return ended

    def _on_finished(self, finished: Finished) -> None:
        worker = self._worker
        if worker is not None and worker.trainer is not None:
            self.model = worker.trainer.model
        if self._thread is not None:
            self._thread.wait(2000)
        self._thread = self._worker = None
        self._set_state(TRAINED if self.model is not None else IDLE)
        self.finished.emit(finished)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)
