"""Learn: a short explanation of each concept, each with a button that puts the window in the
state that shows it (its data set, network, view and selected card) and starts it going."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from playground.ui.learn_lessons import LESSONS, Lesson

if TYPE_CHECKING:
    from playground.ui.panels.stack_view import NetworkStackView
    from playground.ui.panels.training_panel import TrainingPanel
    from playground.ui.state.workspace import Workspace
    from playground.ui.views.tabs import ViewTabs


def fit_dock(dock: QDockWidget, window: QMainWindow) -> None:
    """Dock beside the window's panels where the screen has room for both, else float over
    the window's right-hand side (a 1024-pixel screen has no room beside them)."""
    screen = window.screen().availableGeometry()
    room = screen.width() - window.centralWidget().minimumSizeHint().width()
    if dock.isFloating() or room >= dock.minimumWidth() + 20:
        return
    dock.setFloating(True)

    def place() -> None:  # once floating: the window no longer makes room for it
        window.resize(min(window.width(), screen.width()), window.height())
        frame = window.frameGeometry()
        width = min(dock.minimumWidth() + 60, frame.width() // 2)
        right = min(frame.right(), screen.right())
        dock.setGeometry(right - width, frame.top() + 60, width, frame.height() - 90)

    QTimer.singleShot(0, place)


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
        self, ws: Workspace, training: TrainingPanel, views: ViewTabs, stack: NetworkStackView
    ) -> None:
        super().__init__(ws)
        self.ws, self.training, self.views, self.stack = ws, training, views, stack
        self.lesson: Lesson | None = None
        self._loading = False  # its data set was asked for
        ws.session.finished.connect(lambda *_: self._continue())
        ws.datasetChanged.connect(self._continue)

    def run(self, lesson: Lesson) -> None:
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
        t.lr.setValue(lesson.lr)
        t.epochs.setValue(lesson.epochs)
        bring_forward(getattr(self.views, lesson.view))
        self.stack.select(lesson.card)
        if lesson.action == "train":
            ws.train()
        elif lesson.action == "step":
            ws.step()
        ws.status.emit(f"Learn: {lesson.title}")


class LearnPanel(QScrollArea):
    def __init__(self, runner: LessonRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.buttons: dict[str, QPushButton] = {}
        page = QWidget()
        layout = QVBoxLayout(page)
        for lesson in LESSONS:
            layout.addWidget(self._card(lesson))
        layout.addStretch(1)
        self.setWidget(page)

    def _card(self, lesson: Lesson) -> QFrame:
        frame = QFrame()
        frame.setObjectName("panel")
        box = QVBoxLayout(frame)
        title = QLabel(lesson.title)
        title.setObjectName("sectionTitle")
        text = QLabel(lesson.text)
        text.setObjectName("explanation")
        text.setWordWrap(True)
        button = QPushButton("Show me")
        button.setToolTip(f"{lesson.preset} on {lesson.dataset}, the {lesson.view} view")
        button.clicked.connect(lambda _=False, x=lesson: self.runner.run(x))
        self.buttons[lesson.title] = button
        box.addWidget(title)
        box.addWidget(text)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return frame
