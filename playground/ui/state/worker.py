"""The one bridge between Qt and the core trainer: a QThread that runs it and emits its events.

The thread object itself lives in the GUI thread, so its signals, emitted from run(), reach the
views as queued calls; nothing else crosses between the threads. Events travel in batches: each
signal wakes the GUI thread, and on a small CPU every wake-up takes time from training.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from torch import Tensor

from playground.core.data.dataset import Dataset
from playground.core.errors import PlaygroundError
from playground.core.inspect.probe_callback import ProbeCallback
from playground.core.model.backbone import whole_weights
from playground.core.model.build import build_model
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.device import (
    TRAINING_THREADS,
    set_torch_threads,
    yield_to_other_threads,
)
from playground.core.training.events import (
    EpochMetrics,
    Event,
    Finished,
    ProbeRequest,
    StepResult,
    fan_out,
)
from playground.core.training.history import History
from playground.core.training.tensorboard_log import TensorBoardLog
from playground.core.training.trainer import Trainer
from playground.core.workflows.transfer import head_trainer

log = logging.getLogger(__name__)
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
        weights: dict[str, Tensor] | None,
        history: History,
        parent: QObject | None = None,
        log_dir: Path | None = None,
        features: Dataset | None = None,
    ) -> None:
        """features: the cached features of the photos in dataset when spec starts with the
        frozen backbone: only the layers after it train, on them."""
        super().__init__(parent)
        self.setObjectName("training")
        self._args = (spec, dataset, config)
        self._features = features
        self._weights, self._history = weights, history
        self.trainer: Trainer | None = None
        self.final_weights: dict[str, Tensor] | None = None  # CPU copy, set before Finished
        self.best: tuple[EpochMetrics, dict[str, Tensor]] | None = None  # and the best epoch's
        self.log_dir = log_dir  # TensorBoard event files of this run go there
        self._lock = threading.Lock()
        self._stop_asked = False
        self._pause_asked = False
        self._step_asked = False
        self._settings: TrainConfig | None = None  # changed before the trainer was made
        # none on cached features: the views probe with photos, which the layers after the
        # backbone never see
        self._probes = ProbeCallback() if features is None else None
        self._pace = 0.0  # steps a second, 0: full speed
        self._pending: list[Event] = []
        self._sent_at = 0.0

    def run(self) -> None:
        yield_to_other_threads()
        set_torch_threads(TRAINING_THREADS)
        try:
            trainer = self._trainer()
            board = TensorBoardLog(self.log_dir, self._args[2]) if self.log_dir else None
            if board is not None:
                trainer.sink = fan_out(self._emit, board)
            with self._lock:
                self.trainer = trainer
                if self._pause_asked:
                    trainer.pause()
                if self._step_asked:
                    trainer.step_once()
                if self._settings is not None:
                    trainer.change_settings(self._settings)
                if self._stop_asked:
                    trainer.stop()
                trainer.set_pace(self._pace)
            self.deviceChosen.emit(trainer.device.type)
            try:
                trainer.run()
            finally:
                if board is not None:
                    board.close()
        except PlaygroundError as e:
            self._emit(Finished("error", str(e), self._history.epochs_done, 0))
        except Exception as e:  # shown to the user instead of a silent thread death
            log.exception("Training failed")
            message = f"Training failed: {type(e).__name__}: {e}"
            self._emit(Finished("error", message, self._history.epochs_done, 0))

    def _trainer(self) -> Trainer:
        spec, dataset, config = self._args
        sink, history = self._emit, self._history
        if self._features is not None:
            return head_trainer(spec, self._features, config, sink, self._weights, history)
        model = None
        if self._weights is not None:
            model = build_model(spec, dataset.num_classes)
            model.load_state_dict(self._weights)
        probes = [self._probes] if self._probes is not None else []
        return Trainer(spec, dataset, config, sink, model, history, callbacks=probes)

    def weights(self) -> dict[str, Tensor]:
        """The running trainer's last finite weights, of the whole network."""
        assert self.trainer is not None
        return self._whole(self.trainer.weights())

    def _whole(self, weights: dict[str, Tensor]) -> dict[str, Tensor]:
        """The trainer's weights as the whole network's: with the frozen backbone's when it
        trains on cached features; CPU copies."""
        copy = {k: v.detach().to("cpu", copy=True) for k, v in weights.items()}
        return whole_weights(copy) if self._features is not None else copy

    def _emit(self, event: Event) -> None:
        if isinstance(event, Finished) and self.trainer is not None:
            # Copied here, on the training thread, before the GUI hears that the run ended.
            state = self.trainer.model.state_dict()
            self.final_weights = self._whole(state)
            best, weights = self.trainer.best, self.trainer.best_weights()
            if best is not None and weights is not None:
                self.best = (best, self._whole(weights))
            else:
                self.best = None
        with self._lock:
            self._pending.append(event)
            # a single step's result is shown at once: the person pressed Step to see it
            urgent = isinstance(event, Finished | StepResult)
            due = urgent or time.monotonic() - self._sent_at >= BATCH_S
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

    def step(self) -> None:
        """Run one mini-batch, then stay paused."""
        with self._lock:
            self._step_asked = True
            if self.trainer:
                self.trainer.step_once()

    def change_settings(self, config: TrainConfig) -> None:
        with self._lock:
            self._settings = config
            if self.trainer:
                self.trainer.change_settings(config)

    def set_pace(self, steps_per_s: float) -> None:
        with self._lock:
            self._pace = steps_per_s
            if self.trainer:
                self.trainer.set_pace(steps_per_s)

    def replace_data(self, dataset: Dataset) -> None:
        """Train on dataset (painted points changed) from the next epoch."""
        with self._lock:
            spec, _, config = self._args
            self._args = (spec, dataset, config)
            if self.trainer:
                self.trainer.replace_data(dataset)

    def set_probes(self, request: ProbeRequest) -> None:
        """Ask for what request names at every snapshot (see ProbeCallback)."""
        if self._probes is not None:
            self._probes.request = request

    def stop(self) -> None:
        with self._lock:
            self._stop_asked = True
            if self.trainer:
                self.trainer.stop()
