"""The gallery's state: many images classified off the GUI thread, kept until the network or
the data set changes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from playground.core.errors import PlaygroundError
from playground.ui.state.tasks import Task, with_progress

if TYPE_CHECKING:
    from playground.core.inspect.gallery import Classified
    from playground.ui.state.workspace import Workspace


class Gallery(QObject):
    """The one owner of the gallery's results."""

    started = Signal(int)  # how many images are being classified
    changed = Signal()  # results replaced (or forgotten)
    failed = Signal(str)  # why nothing could be classified, one line

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.results: list[Classified] = []
        self._slot = workspace.tasks.slot()  # new files (or weights) replace the work under way
        workspace.session.weightsChanged.connect(self.forget)
        workspace.datasetChanged.connect(self.forget)

    def classify(self, paths: list[Path]) -> Task | None:
        """Classify every file as a task; the results replace the gallery's when it is done."""
        self._slot.cancel()
        try:
            classifier = self.ws.classifier()
            if classifier.pre.kind != "image":
                raise PlaygroundError("This network classifies 2-D points, not images.")
        except PlaygroundError as e:
            self.failed.emit(str(e))
            return None
        from playground.core.inspect.gallery import classify_files

        title = f"Classifying {len(paths)} images"
        task = self._slot.start(title, with_progress(classify_files), classifier, paths)
        task.done.connect(self._done)
        task.failed.connect(lambda e: self.failed.emit(str(e)))
        task.cancelled.connect(self.changed)  # from the task strip: what it had before stays
        self.started.emit(len(paths))
        return task

    def _done(self, results: list[Classified]) -> None:
        self.results = results
        self.changed.emit()

    def forget(self) -> None:
        """The answers belong to weights or data that are gone."""
        self._slot.cancel()
        if self.results:
            self.results = []
            self.changed.emit()
