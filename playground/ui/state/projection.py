"""The projector's state: the validation samples placed in 2-D (core.inspect.embedding) off the
GUI thread, from the current weights or from a copy kept at the end of each training epoch, so
that a slider can go back through the epochs and show the clusters forming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from playground.core.errors import PlaygroundError
from playground.ui.state.tasks import Task, TaskState

if TYPE_CHECKING:
    from playground.core.inspect.embedding import Embedding
    from playground.core.training.events import EpochMetrics
    from playground.ui.state.workspace import Workspace

MAX_EPOCHS_KEPT = 100  # weight copies kept for the slider; the oldest go first


class Projection(QObject):
    """The one owner of the projector's points and of the per-epoch weight copies."""

    placed = Signal(object, object)  # Embedding, the epoch of its weights (None: current)
    epochsChanged = Signal(list)  # the epochs whose weights are kept
    progressed = Signal(float, str)
    failed = Signal(str)  # one line

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.snapshots: dict[int, dict] = {}  # epoch → its weights (replaced whole, never written)
        self.embedding: Embedding | None = None
        self._slot = workspace.tasks.slot()  # a new request replaces the one under way
        s = workspace.session
        s.epochEnded.connect(self._keep_epoch)
        s.historyReplaced.connect(self.forget)
        workspace.datasetChanged.connect(self.forget)

    def _keep_epoch(self, metrics: EpochMetrics) -> None:
        weights = self.ws.session.current_weights()
        if weights is None:
            return
        self.snapshots[metrics.epoch] = weights
        while len(self.snapshots) > MAX_EPOCHS_KEPT:
            del self.snapshots[min(self.snapshots)]
        self.epochsChanged.emit(sorted(self.snapshots))

    def forget(self) -> None:
        self._slot.cancel()
        self.snapshots.clear()
        self.embedding = None
        self.epochsChanged.emit([])

    def compute(self, method: str, epoch: int | None = None) -> Task | None:
        """Place the samples by the weights of epoch (None: the current ones) as a task; a new
        request cancels the one under way."""
        self._slot.cancel()
        s, data = self.ws.session, self.ws.dataset
        weights = self.snapshots.get(epoch) if epoch is not None else s.current_weights()
        try:
            if data is None:
                raise PlaygroundError("Load a data set: its validation samples are placed.")
            if weights is None or s.spec is None:
                raise PlaygroundError(
                    "Train the network first: the projector shows what it learned."
                )
        except PlaygroundError as e:
            self.failed.emit(str(e))
            return None
        job = (s.spec, weights, data, method, s.current_familiarity() if epoch is None else None)
        task = self._slot.start(f"Placing samples by {method}", _place, *job)
        task.progressed.connect(self.progressed)
        task.done.connect(lambda e: self._done(e, epoch))
        task.failed.connect(lambda e: self.failed.emit(str(e)))
        return task

    def _done(self, embedding: Embedding, epoch: int | None) -> None:
        self.embedding = embedding
        self.placed.emit(embedding, epoch)


def _place(spec, weights, data, method, familiarity, state: TaskState) -> Embedding:
    from playground.core.inspect.embedding import embed
    from playground.core.model.build import build_model

    state.set_progress(0.0, "reading the last hidden layer")
    model = build_model(spec, data.num_classes)
    model.load_state_dict({k: v.cpu() for k, v in weights.items()})
    x = data.x_val.cpu() if hasattr(data.x_val, "cpu") else data.x_val  # tensor or files
    return embed(model, x, data.y_val.cpu(), method, familiarity, state.check)
