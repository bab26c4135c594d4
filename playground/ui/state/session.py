"""The training session: the one owner of the run's history and the trained weights.

The trainer works on its own copy of the history in the training thread; this session records
the same events, as they arrive on the GUI thread, into the history that views read and
projects save. Weights cross as copies that nothing writes to (Trainer.weights): the GUI
never reads a live model.
"""

from __future__ import annotations

import time
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.events import (
    EpochMetrics,
    Evaluation,
    Event,
    Finished,
    Probe,
    ProbeRequest,
    SettingsChanged,
    Snapshot,
    StepMetrics,
    StepResult,
)
from playground.core.training.history import History

if TYPE_CHECKING:  # torch-land: the worker is imported on the first Train (see startup.py)
    from torch import Tensor

    from playground.core.data.dataset import Dataset
    from playground.core.inspect.familiarity import Familiarity
    from playground.ui.state.worker import TrainingWorker


class SessionState(StrEnum):
    IDLE = "idle"  # no weights
    RUNNING = "running"
    PAUSED = "paused"
    TRAINED = "trained"  # weights, and no run going


Weights = dict[str, "Tensor"]


class TrainingSession(QObject):
    stateChanged = Signal(str)
    stepped = Signal(object)  # StepMetrics, already in history
    epochEnded = Signal(object)  # EpochMetrics, already in history
    snapshotTaken = Signal(object)  # Snapshot
    evaluated = Signal(object)  # Evaluation
    probed = Signal(object)  # Probe
    settingsChanged = Signal(object)  # SettingsChanged, already in history
    stepMeasured = Signal(object)  # StepResult: one mini-batch run on its own (Step)
    finished = Signal(object)  # Finished
    historyReplaced = Signal()  # a new (or no) run: views showing the history start over
    weightsChanged = Signal()  # weights gone or taken over whole (not each step): redraw
    probesChanged = Signal()  # the views want other probes
    deviceChosen = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = SessionState.IDLE
        self.spec: NetworkSpec | None = None  # what the weights were trained for
        self.weights: Weights | None = None  # CPU tensors, replaced whole, never written
        self.familiarity: Familiarity | None = None  # of these weights (flags strangers)
        self.history = History()
        # whether the history is the app's own record of how the weights trained (False for
        # weights opened from a file whose seal did not match, until they are replaced)
        self.record_trusted = True
        self.previous: History | None = None  # the run before, drawn faintly for comparison
        self._worker: TrainingWorker | None = None
        self.probes = ProbeRequest()  # what the visible views want computed
        self.pace = 0.0  # steps a second the trainer keeps to, 0: full speed
        self.weights_version = 0  # counts replacements of the weights: caches keyed on it
        # (weights_key) never mix two runs
        # the last run's best epoch and a CPU copy of its weights, to restore them on request
        self.best: tuple[EpochMetrics, Weights] | None = None
        self.tensorboard_dir: Path | None = None  # each run writes event files below it

    @property
    def busy(self) -> bool:
        return self.state in (SessionState.RUNNING, SessionState.PAUSED)

    def continues(self, spec: NetworkSpec) -> bool:
        """Whether training spec now goes on from the current weights and history."""
        return self.weights is not None and spec == self.spec

    def weights_for(self, spec: NetworkSpec) -> Weights | None:
        """current_weights() if they were trained for spec (the network as it is drawn now),
        else None: the one test of whether weights belong to a network."""
        return self.current_weights() if spec == self.spec else None

    def current_weights(self) -> Weights | None:
        """The newest consistent weights: a running trainer's last finite copy, else the
        session's own."""
        worker = self._worker
        if worker is not None and worker.trainer is not None:
            return worker.weights()
        return self.weights

    def resting_copy(self) -> tuple | None:
        """While the run is paused between steps: copies of its live weights and optimizer
        state (see Trainer.resting_copy); None otherwise."""
        worker = self._worker
        if self.state != SessionState.PAUSED or worker is None or worker.trainer is None:
            return None
        return worker.trainer.resting_copy()

    def weights_key(self) -> tuple:
        """Changes whenever current_weights() may have (for caches built from them)."""
        return (self.weights_version, self.history.last_step, self.state, id(self.weights))

    def start(
        self,
        spec: NetworkSpec,
        dataset: Dataset,
        config: TrainConfig,
        paused: bool = False,
        features: Dataset | None = None,
    ) -> None:
        """Train (paused: start paused, for Step); continues from the current weights when the
        network is unchanged. features: the frozen backbone's, of dataset's photos, for the
        layers after it to train on."""
        if self.busy:
            return
        if not self.continues(spec):
            self._replace(spec, None, History(), keep_previous=True)
        self.spec = spec
        self.weights_version += 1
        from playground.ui.state.worker import TrainingWorker

        history, log_dir = self.history.copy(), self.log_dir()
        worker = TrainingWorker(
            spec, dataset, config, self.weights, history, self, log_dir, features
        )
        worker.eventsReady.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        worker.set_probes(self.probes)
        worker.set_pace(self.pace)
        worker.deviceChosen.connect(self.deviceChosen)
        self._worker = worker
        if paused:
            worker.pause()
        self._set_state(SessionState.PAUSED if paused else SessionState.RUNNING)
        worker.start()

    def log_dir(self) -> Path | None:
        """A new folder for the next run's TensorBoard files (runs show side by side there)."""
        if self.tensorboard_dir is None:
            return None
        return self.tensorboard_dir / time.strftime(f"run-%Y%m%d-%H%M%S-{self.weights_version}")

    def restore_best(self) -> EpochMetrics | None:
        """Make the last run's best epoch's weights the trained ones; that epoch, or None."""
        if self.busy or self.best is None:
            return None
        metrics, self.weights = self.best
        self.weights_version += 1  # caches keyed on weights_key start over
        self.weightsChanged.emit()
        return metrics

    def want(self, **changes: object) -> None:
        """Change some of what the visible views need computed at each snapshot (the fields
        of ProbeRequest; see ProbeCallback)."""
        request = replace(self.probes, **changes)
        if request.key() == self.probes.key():
            return
        self.probes = request
        if self._worker is not None:
            self._worker.set_probes(request)
        else:
            self.probesChanged.emit()

    def set_pace(self, steps_per_s: float) -> None:
        """At most steps_per_s training steps a second (0: full speed), for this run and the
        next: slow enough to watch toy data learn."""
        self.pace = steps_per_s
        if self._worker is not None:
            self._worker.set_pace(steps_per_s)

    def pause(self) -> None:
        if self._worker and self.state == SessionState.RUNNING:
            self._worker.pause()
            self._set_state(SessionState.PAUSED)

    def resume(self) -> None:
        if self._worker and self.state == SessionState.PAUSED:
            self._worker.resume()
            self._set_state(SessionState.RUNNING)

    def step(self) -> None:
        """Run one mini-batch of the paused run (see Workspace.step to start one for it)."""
        if self._worker and self.state == SessionState.PAUSED:
            self._worker.step()

    def change_settings(self, config: TrainConfig) -> None:
        """Live settings for the running trainer, applied at its next step."""
        if self._worker is not None:
            self._worker.change_settings(config)

    def replace_data(self, dataset: Dataset) -> None:
        """Train on dataset (the same inputs and classes) from the run's next epoch."""
        if self._worker is not None:
            self._worker.replace_data(dataset)

    def stop(self) -> None:
        if self._worker and self.busy:
            self._worker.stop()

    def reset(self, keep_previous: bool = True) -> None:
        """Forget the trained weights and history (the network's spec stays)."""
        if not self.busy:
            self._replace(None, None, History(), keep_previous)

    def load(
        self,
        spec: NetworkSpec,
        weights: Weights | None,
        history: History,
        familiarity: Familiarity | None = None,
        trusted: bool = True,
    ) -> None:
        """Take over saved weights, their history and familiarity (an opened project);
        trusted: whether the history is the app's own record of how they trained."""
        if not self.busy:
            self._replace(spec if weights is not None else None, weights, history, False)
            self.familiarity = familiarity if weights is not None else None
            self.record_trusted = trusted or weights is None

    def set_familiarity(self, weights: Weights, familiarity: Familiarity | None) -> None:
        """The calibration made for weights, kept if they are still the session's."""
        if weights is self.weights:
            self.familiarity = familiarity

    def current_familiarity(self) -> Familiarity | None:
        """The familiarity of current_weights(): none while a run changes them."""
        return None if self._worker is not None else self.familiarity

    def _replace(self, spec, weights, history: History, keep_previous: bool) -> None:
        if keep_previous and not self.history.empty:
            self.previous = self.history
        elif not keep_previous:
            self.previous = None
        self.spec, self.weights, self.history = spec, weights, history
        self.record_trusted = True
        self.best = None
        self.familiarity = None
        self.weights_version += 1
        self._set_state(SessionState.TRAINED if weights is not None else SessionState.IDLE)
        self.historyReplaced.emit()
        self.weightsChanged.emit()

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

    def announce(self, event: Event) -> None:
        """Tell the views of an event that is no news to the history (trained weights looked
        at when no run is going)."""
        self._signals()[type(event)].emit(event)

    def _signals(self) -> dict[type, Signal]:
        return {
            StepMetrics: self.stepped,
            EpochMetrics: self.epochEnded,
            Snapshot: self.snapshotTaken,
            Evaluation: self.evaluated,
            Probe: self.probed,
            SettingsChanged: self.settingsChanged,
            StepResult: self.stepMeasured,
        }

    def _dispatch(self, events: list[Event]) -> None:
        """Record a batch of the worker's events in the history, then announce them in order."""
        worker = self.sender()
        if worker is None or worker is not self._worker:
            return  # a late batch from a run already shut down
        signals = self._signals()
        for event in events:
            if isinstance(event, Finished):
                self._on_finished(worker, event)
            else:
                self.history.record(event)
                signals[type(event)].emit(event)

    def _on_finished(self, worker: TrainingWorker, finished: Finished) -> None:
        worker.wait()
        if worker.final_weights is not None:
            self.weights = worker.final_weights
            self.familiarity = None  # calibrated for these weights after the run (calibration.py)
        self.best = worker.best
        self._release(worker)
        self._set_state(SessionState.TRAINED if self.weights is not None else SessionState.IDLE)
        self.finished.emit(finished)
        self.weightsChanged.emit()

    def _release(self, worker: TrainingWorker) -> None:
        worker.eventsReady.disconnect()
        worker.deviceChosen.disconnect()
        worker.setParent(None)
        self._worker = None

    def _set_state(self, state: SessionState) -> None:
        self.state = state
        self.stateChanged.emit(state)
