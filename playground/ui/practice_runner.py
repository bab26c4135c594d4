"""What the Practice panel asks of the window: load a challenge's start or solution (through
the guard of the work, which asks before replacing unsaved work) and check the work in a task
off the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow

from playground.core.errors import one_line
from playground.core.practice.challenge import Challenge
from playground.core.practice.grade import grade, solution_project, start_project
from playground.ui.state.tasks import stateless

if TYPE_CHECKING:
    from playground.ui.state.tasks import Task
    from playground.ui.state.workspace import Workspace

PROGRESS_FILE = "practice.json"  # in the app's data folder


class PracticeRunner(QObject):
    checked = Signal(object, object)  # Challenge, Report
    checkFailed = Signal(object, str)  # Challenge, one line

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.ws = ws
        self._task: Task | None = None  # the one check under way

    def load(self, challenge: Challenge, solution: bool = False) -> None:
        """Replace the work by the challenge's start (or its solution), asking first."""
        project = (solution_project if solution else start_project)(challenge)
        what = f"the solution of “{challenge.title}”" if solution else f"“{challenge.title}”"
        own_photos = challenge.start.dataset is None

        def replace() -> None:
            self.ws.open_project(project, what, keep_dataset=own_photos)
            if own_photos:
                self.ws.info.emit(
                    "This challenge trains on your own photos: choose them with Data set ▸ "
                    "Classes of your photos (a folder with a sub-folder per class)."
                )

        self.ws.guard.confirm(f"Loading {what}", replace)

    def check(self, challenge: Challenge) -> None:
        """Grade the current work (its newest weights) off the GUI thread."""
        if self._task is not None:
            self._task.cancel()  # its result no longer wanted
        self.ws.finish_startup()
        project, data = self.ws.snapshot_project(), self.ws.dataset
        task = self._task = self.ws.tasks.start(
            f"Checking “{challenge.title}”", stateless(grade), challenge, project, data
        )
        task.done.connect(lambda report: self.checked.emit(challenge, report))
        task.failed.connect(lambda e: self.checkFailed.emit(challenge, one_line(e)))
        task.ended.connect(lambda: self._forget(task))

    def _forget(self, task: Task) -> None:
        if self._task is task:
            self._task = None


def practice_dock(window: QMainWindow, ws: Workspace) -> QDockWidget:
    """The Practice panel in a dock beside Learn, hidden until View ▸ Practice opens it; its
    progress is kept in the app's data folder."""
    from playground.core.practice.challenge import all_challenges
    from playground.core.practice.progress import Progress
    from playground.ui.panels.learn_panel import fit_dock
    from playground.ui.panels.practice_panel import PracticePanel
    from playground.ui.state.project_files import app_home

    runner = PracticeRunner(ws)
    panel = PracticePanel(Progress(app_home() / PROGRESS_FILE), all_challenges())
    panel.loadRequested.connect(runner.load)
    panel.checkRequested.connect(runner.check)
    runner.checked.connect(panel.show_report)
    runner.checkFailed.connect(panel.show_failure)
    dock = QDockWidget("Practice", window)
    dock.setObjectName("practiceDock")
    dock.setWidget(panel)
    dock.setMinimumWidth(300)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    learn = window.findChild(QDockWidget, "learnDock")
    if learn is not None:  # both open: two tabs, Learn and Practice
        window.tabifyDockWidget(learn, dock)
    dock.hide()
    dock.visibilityChanged.connect(lambda shown: shown and fit_dock(dock, window))
    return dock
