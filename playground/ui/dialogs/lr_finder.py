"""The learning-rate finder: a short range test run as a task on a copy of the network, its
loss plotted against the learning rate (log axis) with the suggestion marked; Apply sets it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.core.errors import one_line
from playground.ui.state.tasks import stateless
from playground.ui.widgets.plots import plot_widget

if TYPE_CHECKING:
    from playground.core.training.lr_finder import LrFinding
    from playground.ui.state.tasks import TaskRunner

RAW, SMOOTHED, SUGGESTED = "#3B73B980", "#3B73B9", "#E07B22"


class LrFinderDialog(QDialog):
    def __init__(
        self,
        tasks: TaskRunner,
        job: tuple,
        apply: Callable[[float], None],
        parent: QWidget | None = None,
    ) -> None:
        """job: (spec, data set, settings, the trained weights of spec or None) to test;
        apply(lr): Apply's learning rate, for the training settings."""
        super().__init__(parent)
        self.setWindowTitle("Find a learning rate")
        self.apply = apply
        self.finding: LrFinding | None = None
        self.plot = plot_widget("Loss against learning rate", grid=True)
        self.plot.setLabel("bottom", "learning rate (log scale)")
        self.plot.setLabel("left", "training loss")
        self.plot.setLogMode(x=True)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)  # 1e-3, not 1 with "(x0.001)"
        self.plot.addLegend(offset=(10, 10), labelTextColor="#1F2328", brush="#FFFFFFD0")
        self.raw = self.plot.plot(pen=pg.mkPen(RAW, width=1), name="each step")
        self.smoothed = self.plot.plot(pen=pg.mkPen(SMOOTHED, width=2), name="smoothed")
        self.mark = pg.InfiniteLine(angle=90, pen=pg.mkPen(SUGGESTED, width=2))
        self.mark.hide()
        self.plot.addItem(self.mark)
        self.message = QLabel("Running the range test on a copy of the network…")
        self.message.setWordWrap(True)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self._apply)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addLayout(buttons)
        self.resize(620, 420)
        self.task = self._start(tasks, job)

    def _start(self, tasks: TaskRunner, job: tuple):
        from playground.core.training.lr_finder import range_test

        task = tasks.start("Finding a learning rate", stateless(range_test), *job)
        task.done.connect(self._show)
        task.failed.connect(self._failed)
        self.rejected.connect(task.cancel)
        return task

    def _show(self, finding: LrFinding) -> None:
        self.finding = finding
        self.raw.setData(finding.lrs, finding.losses)
        self.smoothed.setData(finding.lrs, finding.smoothed)
        self.mark.setValue(np.log10(finding.suggestion))  # the x axis is in log10 units
        self.mark.show()
        # the descent is what matters: the blow-up at the end would flatten it to a line
        start = float(np.max(finding.smoothed[:10]))
        self.plot.setYRange(0.9 * float(finding.smoothed.min()), 1.5 * start, padding=0)
        self.message.setText(
            f"Suggested: {finding.suggestion:.2g}, where the loss falls fastest "
            f"({len(finding.lrs)} steps; the network itself is untouched)."
        )
        self.apply_button.setText(f"Apply {finding.suggestion:.2g}")
        self.apply_button.setEnabled(True)

    def _failed(self, e: BaseException) -> None:
        reason = one_line(e)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setText(f"The range test failed: {reason}")

    def _apply(self) -> None:
        if self.finding is not None:
            self.apply(float(f"{self.finding.suggestion:.2g}"))
        self.accept()
