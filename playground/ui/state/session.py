"""The training session: owns the worker thread, the trained model and its history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from playground.core.config import TrainConfig
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
from playground.ui.views.redraw import set_budgeted

if TYPE_CHECKING:  # torch-land: the worker is imported on the first Train (see startup.py)
    from torch import nn

    from playground.core.data.dataset import Dataset
    from playground.ui.state.worker import TrainingWorker

IDLE, RUNNING, PAUSED, TRAINED = "idle", "running", "paused", "trained"


class TrainingSession(QObject):
    stateChanged = Signal(str)
    stepped = Signal(object)
    epochEnded = Signal(object)
    snapshotTaken = Signal(object)
    evaluated = Signal(object)
    probed = Signal(object)
    finished = Signal(object)
    deviceChosen = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = IDLE
        self.model: nn.Sequential | None = None
        self.history = History()
        self.spec: NetworkSpec | None = None
        self._worker: TrainingWorker | None = None
        self._probes: tuple = (None, False)

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
        from playground.ui.state.worker import TrainingWorker

        worker = TrainingWorker(spec, dataset, config, self.model, self.history, self)
        worker.eventsReady.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        worker.set_probes(*self._probes)
        worker.deviceChosen.connect(self.deviceChosen)
        self._worker = worker
        self._set_state(RUNNING)
        worker.start()

    def set_probes(self, sample, boundary: bool) -> None:
        """What the visible views need computed at each snapshot (see Trainer.set_probes)."""
        self._probes = (sample, boundary)
        if self._worker is not None:
            self._worker.set_probes(sample, boundary)

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
        worker = self._worker
        if worker is None:
            return True
        worker.stop()
        ended = worker.wait(timeout_ms)
        if ended:
            self._release(worker)
        return ended

    def _dispatch(self, events: list[Event]) -> None:
        """Hand a batch of the worker's events to this session's signals, in order."""
        worker = self.sender()
        if worker is None or worker is not self._worker:
            return  # a late batch from a run already shut down
        signals = {
            StepMetrics: self.stepped,
            EpochMetrics: self.epochEnded,
            Snapshot: self.snapshotTaken,
            Evaluation: self.evaluated,
            Probe: self.probed,
        }
        for event in events:
            if isinstance(event, Finished):
                self._on_finished(worker, event)
            else:
                signals[type(event)].emit(event)

    def _on_finished(self, worker: TrainingWorker, finished: Finished) -> None:
        if worker.trainer is not None:
            self.model = worker.trainer.model
        worker.wait()
        self._release(worker)
        self._set_state(TRAINED if self.model is not None else IDLE)
        self.finished.emit(finished)

    def _release(self, worker: TrainingWorker) -> None:
        worker.eventsReady.disconnect()
        worker.deviceChosen.disconnect()
        worker.setParent(None)
        self._worker = None

    def _set_state(self, state: str) -> None:
        self.state = state
        set_budgeted(state == RUNNING)  # live views yield CPU time to the training thread
        self.stateChanged.emit(state)
