"""Learn: a short explanation of each concept, each with a button that puts the window in the
state that shows it (its data set, network, view and selected card) and starts it going."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from playground.ui.panels.learn_lessons import LESSONS, Lesson


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


class LearnPanel(QScrollArea):
    def __init__(self, run: Callable[[Lesson], None], parent: QWidget | None = None) -> None:
        """run: puts the window in a lesson's state (see LessonRunner)."""
        super().__init__(parent)
        self.run = run
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
        button.clicked.connect(lambda _=False, x=lesson: self.run(x))
        self.buttons[lesson.title] = button
        box.addWidget(title)
        box.addWidget(text)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return frame
