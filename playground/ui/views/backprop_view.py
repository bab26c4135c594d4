"""Backpropagation walked through for one sample: Next / Back step forward layer by layer, to
the probabilities and the cost, backward layer by layer, then to the update."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.core.data.ref import REGRESSION
from playground.core.errors import PlaygroundError
from playground.ui.widgets.array_panel import ArrayPanel
from playground.ui.widgets.spin_boxes import ClampingSpinBox

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.core.inspect.walkthrough import Walkthrough
    from playground.ui.state.session import TrainingSession
    from playground.ui.state.tasks import Task

log = logging.getLogger(__name__)
PANELS = 3  # the most arrays a stage shows (w before, lr·g, w after)
HINT = (
    "Pick a sample and press Walk through: Next then runs it forward layer by layer, shows "
    "the probabilities and the cost, goes backward layer by layer and ends with the update. "
    "The numbers are PyTorch's, from a copy of the trainer's weights."
)


class BackpropView(QWidget):
    def __init__(
        self,
        session: TrainingSession,
        walk: Callable[[int], Task],
        parent: QWidget | None = None,
    ) -> None:
        """walk(index): starts the walk-through of validation sample index, one at a time
        (PlaygroundError saying why it cannot; see state/backprop.py)."""
        super().__init__(parent)
        self.session, self._start_walk = session, walk
        self.dataset: Dataset | None = None
        self.walk: Walkthrough | None = None
        self.stage = 0
        self.step_seen = 0  # the training step whose weights the walk-through was made of
        self.sample = ClampingSpinBox()
        self.sample.setPrefix("sample ")
        self.sample.valueChanged.connect(self._show_label)
        self.label = QLabel()
        self.start = QPushButton("Walk through")
        self.start.setToolTip("Compute this sample's forward pass, cost, gradients and update")
        self.start.clicked.connect(self.compute)
        self.back = QPushButton("◀  Back")
        self.back.clicked.connect(lambda: self._go(self.stage - 1))
        self.next = QPushButton("Next  ▶")
        self.next.clicked.connect(lambda: self._go(self.stage + 1))
        self.counter = QLabel()
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.text = QLabel(HINT)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.panels = [ArrayPanel() for _ in range(PANELS)]
        self._build()
        self.show_dataset(None)

    def _build(self) -> None:
        top = QHBoxLayout()
        for w in (self.sample, self.label, self.start):
            top.addWidget(w)
        top.addStretch(1)
        for w in (self.back, self.counter, self.next):
            top.addWidget(w)
        arrays = QHBoxLayout()
        for panel in self.panels:
            arrays.addWidget(panel, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(arrays, 1)

    def show_dataset(self, d: Dataset | None) -> None:
        self.dataset = d
        self.sample.setRange(0, max(0, len(d.y_val) - 1) if d is not None else 0)
        self._forget()
        self._show_label()

    def _show_label(self, *_: object) -> None:
        d = self.dataset
        if d is None:
            self.label.setText("")
            return
        if d.task == REGRESSION:
            value = d.true_answers()[1][self.sample.value()]
            self.label.setText(f"value {value:.4g}")
            return
        label = int(d.y_val[self.sample.value()])
        self.label.setText(f"class {d.class_names[label]}")

    def _forget(self) -> None:
        self.walk, self.stage = None, 0
        self.title.clear()
        self.text.setText(HINT)
        for panel in self.panels:
            panel.hide()
        self._update_buttons()

    # --- computing ----------------------------------------------------------------------
    def compute(self) -> None:
        try:
            task = self._start_walk(self.sample.value())
        except PlaygroundError as e:
            self._forget()
            self.text.setText(str(e))
            return
        self.start.setEnabled(False)
        step = self.session.history.last_step
        task.done.connect(lambda walk: self._show_walk(walk, step))
        task.failed.connect(self._failed)
        task.ended.connect(lambda: self.start.setEnabled(True))

    def _failed(self, error: Exception) -> None:
        self._forget()
        self.text.setText(f"Could not walk through this sample: {error}")

    def _show_walk(self, walk: Walkthrough, step: int) -> None:
        self.walk = walk
        self.step_seen = step
        self._go(0)

    # --- stages -------------------------------------------------------------------------
    def _go(self, index: int) -> None:
        walk = self.walk
        if walk is None or not 0 <= index < len(walk.stages):
            return
        self.stage = index
        stage = walk.stages[index]
        self.title.setText(f"{stage.title}  ·  weights of step {self.step_seen:,}")
        self.text.setText(stage.text)
        names = self.dataset.class_names if self.dataset is not None else None
        for panel, shown in zip(self.panels, [*stage.arrays, *[None] * PANELS], strict=False):
            panel.setVisible(shown is not None)
            if shown is not None:
                title, array = shown
                rows = names if title in ("probabilities p", "scores z") else None
                panel.show_array(title, array, rows)
        self._update_buttons()

    def _update_buttons(self) -> None:
        n = len(self.walk.stages) if self.walk else 0
        self.back.setEnabled(n > 0 and self.stage > 0)
        self.next.setEnabled(n > 0 and self.stage < n - 1)
        self.counter.setText(f"{self.stage + 1} / {n}" if n else "")
