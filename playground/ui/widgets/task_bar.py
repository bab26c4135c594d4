"""A strip that shows the slow work under way (loading, saving, exporting): what, how far,
and a Cancel button. It appears only for tasks that last long enough to notice."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from playground.ui.state.tasks import Task

SHOW_AFTER_MS = 300  # quicker work comes and goes without a flash


class TaskBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskBar")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(240)
        # as tall as the status bar's text: a taller strip would make the window taller
        line = self.fontMetrics().height()
        self.bar.setMaximumHeight(line - 4)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.setAutoRaise(True)
        self.cancel.setMaximumHeight(line + 2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)  # in the status bar: no taller than its text
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.task: Task | None = None
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(SHOW_AFTER_MS)
        self._show_timer.timeout.connect(self.show)
        self.cancel.clicked.connect(self._cancel)
        self.hide()

    def follow(self, task: Task) -> None:
        """Show task's progress (the newest task wins the strip)."""
        self.task = task
        self.label.setText(f"{task.title}…")
        self.bar.setRange(0, 0)  # busy until the first progress report
        task.progressed.connect(lambda f, text, t=task: self._progress(t, f, text))
        task.closed.connect(lambda t=task: self._ended(t))
        self._show_timer.start()

    def _progress(self, task: Task, fraction: float, text: str) -> None:
        if task is self.task:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))
            self.label.setText(text or f"{task.title}…")

    def _ended(self, task: Task) -> None:
        if task is self.task:
            self.task = None
            self._show_timer.stop()
            self.hide()

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.label.setText(f"{self.task.title}: cancelling…")
