"""The points being painted: their one owner, with the brush, erasing, clearing and undo. Each
change becomes the painted data set once it holds two classes (Workspace.use_painted)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.core.data.painted import MAX_PAINTED, brush, decode_points, erase, painted_ref
from playground.core.data.ref import DatasetRef

MAX_UNDO = 200  # strokes that Undo goes back through


class Painting(QObject):
    changed = Signal()  # the points changed, by an edit or by take()
    edited = Signal()  # a person changed them (a dab, an erase, Clear, Undo)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.points = np.zeros((0, 2), np.float32)
        self.labels = np.zeros(0, np.int64)
        self.radius, self.density, self.label = 0.5, 5, 0
        self._undo: list[tuple[np.ndarray, np.ndarray]] = []
        self._rng = np.random.default_rng(0)

    def begin_stroke(self) -> None:
        """A press of the mouse: what Undo goes back to."""
        self._undo = [*self._undo, (self.points, self.labels)][-MAX_UNDO:]

    def dab(self, x: float, y: float) -> None:
        """Add density points of the chosen class around (x, y), within the limit."""
        room = MAX_PAINTED - len(self.points)
        if room <= 0:
            return
        new = brush((x, y), self.radius, min(self.density, room), self._rng)
        self.points = np.concatenate([self.points, new])
        self.labels = np.concatenate([self.labels, np.full(len(new), self.label)])
        self._edited()

    def rub(self, x: float, y: float) -> None:
        """Erase the points within the brush around (x, y)."""
        keep = erase(self.points, (x, y), max(self.radius, 0.2))
        if not keep.all():
            self.points, self.labels = self.points[keep], self.labels[keep]
            self._edited()

    def clear(self) -> None:
        if len(self.points):
            self.begin_stroke()
            self.points, self.labels = self.points[:0], self.labels[:0]
            self._edited()

    def undo(self) -> None:
        if self._undo:
            self.points, self.labels = self._undo.pop()
            self._edited()

    def _edited(self) -> None:
        self.changed.emit()
        self.edited.emit()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def learnable(self) -> bool:
        """Enough to learn from: two classes, and points to train on and to validate."""
        return len(np.unique(self.labels)) >= 2 and len(self.points) >= 4

    def ref(self) -> DatasetRef:
        return painted_ref(self.points, self.labels)

    def take(self, ref: DatasetRef) -> None:
        """The points of a painted set loaded another way (an opened project), to show and
        paint on."""
        self.points, self.labels = decode_points(ref.options.get("points", ""))
        self._undo = []
        self.changed.emit()
