"""Puts the window in a lesson's state (Learn ▸ Show me): it reaches across the panels and the
views, so it lives beside the window that wires them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QTabWidget, QWidget

if TYPE_CHECKING:
    from playground.ui.panels.learn_lessons import Lesson
    from playground.ui.panels.network_panel import NetworkPanel
    from playground.ui.panels.training_panel import TrainingPanel
    from playground.ui.state.workspace import Workspace
    from playground.ui.views.tabs import ViewTabs


def bring_forward(view: QWidget) -> None:
    """Make view the current page of every tab widget it sits in (tabs within tabs too)."""
    w = view.parentWidget()
    while w is not None:
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                page = w.widget(i)
                if page is view or page.isAncestorOf(view):
                    w.setCurrentIndex(i)
        w = w.parentWidget()


class LessonRunner(QObject):
    """Puts the window in a lesson's state: stops a run, loads the data set, sets the network
    and the settings, shows the view, selects the card, then trains or steps."""

    def __init__(
        self, ws: Workspace, training: TrainingPanel, views: ViewTabs, stack: NetworkPanel
    ) -> None:
        super().__init__(ws)
        self.ws, self.training, self.views, self.stack = ws, training, views, stack
        self.lesson: Lesson | None = None
        self._loading = False  # its data set was asked for
        ws.session.finished.connect(lambda *_: self._continue())
        ws.datasetChanged.connect(self._continue)

    def run(self, lesson: Lesson) -> None:
        """Show lesson: its data set, network and settings in place of the work (asked first
        when that loses unsaved work)."""
        self.ws.guard.confirm(f"The lesson {lesson.title}", lambda: self._start(lesson))

    def _start(self, lesson: Lesson) -> None:
        self.lesson, self._loading = lesson, False
        if self.ws.session.busy:
            self.ws.session.stop()  # goes on when the run has finished
        else:
            self._continue()

    def _continue(self) -> None:
        """The next step of the lesson the window is ready for."""
        lesson, ws = self.lesson, self.ws
        if lesson is None or ws.session.busy or not ws.ready:
            return
        d = ws.dataset
        if d is None or d.ref.source != lesson.dataset:
            if not self._loading:  # goes on when the data set has changed
                from playground.core.data.ref import DatasetRef

                self._loading = True
                ws.choose_dataset(DatasetRef(lesson.dataset))
            return
        self.lesson = None
        # after every other follower of the data set change (one clears the selected card)
        QTimer.singleShot(0, lambda: self._arrange(lesson))

    def _arrange(self, lesson: Lesson) -> None:
        ws, t = self.ws, self.training
        ws.apply_preset(lesson.preset)
        ws.lesson_setup = (ws.document.spec, ws.dataset.ref)  # replaced without a question
        t.lr.setValue(lesson.lr)
        t.epochs.setValue(lesson.epochs)
        bring_forward(getattr(self.views, lesson.view))
        self.stack.select(lesson.card)
        if lesson.action == "train":
            ws.train()
        elif lesson.action == "step":
            ws.step()
        ws.status.emit(f"Learn: {lesson.title}")
