"""Training ▸ Sweep…: which settings and card parameters to vary and over what, how many
trials and how many at once, and where the study lives; the sweep then runs behind the window
(cancellable, with progress) and the Sweep tab shows its trials."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.errors import PlaygroundError
from playground.core.training.sweep import MAX_WORKERS, SAMPLERS, SweepPlan
from playground.core.training.sweep_space import candidates
from playground.ui.state.project_files import app_home

if TYPE_CHECKING:
    from playground.core.model.spec import NetworkSpec
    from playground.ui.state.sweeps import Sweeps

CHECKED_FIRST = ("lr",)  # varied unless the person says otherwise


class SweepDialog(QDialog):
    """What to vary, offered for spec; the project's name and path (None: unsaved) and the
    data set's name name the study and its storage at first (a study compares trials on one
    data set)."""

    started = Signal()  # a sweep began: its trials show in the Sweep tab

    def __init__(
        self,
        sweeps: Sweeps,
        spec: NetworkSpec,
        project_name: str,
        project_path: Path | None,
        dataset_name: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Sweep")
        self.sweeps = sweeps
        self.params = QTableWidget(0, 2)
        self.params.setHorizontalHeaderLabels(["Vary", "Values (LOW..HIGH[:log] or A,B,C)"])
        self.params.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.params.verticalHeader().hide()
        for name, values in candidates(spec):
            self._add_row(name, values, name in CHECKED_FIRST)
        self.trials = _spin(1, 1000, 12)
        self.workers = _spin(1, min(MAX_WORKERS, os.cpu_count() or 1), 1)
        self.sampler = QComboBox()
        self.sampler.addItems(SAMPLERS)
        first = "sweep" if project_name == "Untitled" else project_name
        self.study = QLineEdit(f"{first} on {dataset_name}" if dataset_name else first)
        self.storage = QLineEdit(_default_storage(project_path))
        self.message = QLabel(
            "Each trial trains the network with values picked from the ranges; trials trailing "
            "the median of the others are pruned. Other processes given the same storage and "
            "study (playground sweep --storage … --study …) add to the same study."
        )
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel sweep")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(sweeps.cancel)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        self._layout(close)
        sweeps.progressed.connect(self._progress)
        sweeps.running.connect(self._running)
        sweeps.failed.connect(self._failed)
        self._running(sweeps.task is not None)
        self.resize(560, 560)

    def _layout(self, close: QPushButton) -> None:
        form = QFormLayout()
        form.addRow("Trials", self.trials)
        form.addRow("At once (processes)", self.workers)
        form.addRow("Sampler", self.sampler)
        form.addRow("Study", self.study)
        form.addRow("Storage", self.storage)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.start_button, self.cancel_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.params, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)

    def _add_row(self, name: str, values: str, checked: bool) -> None:
        row = self.params.rowCount()
        self.params.insertRow(row)
        vary = QTableWidgetItem(name)
        vary.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        vary.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.params.setItem(row, 0, vary)
        self.params.setItem(row, 1, QTableWidgetItem(values))

    def chosen(self) -> list[str]:
        """The --param texts of the checked rows."""
        rows = range(self.params.rowCount())
        return [
            f"{self.params.item(r, 0).text()}={self.params.item(r, 1).text().strip()}"
            for r in rows
            if self.params.item(r, 0).checkState() == Qt.CheckState.Checked
        ]

    def plan(self) -> SweepPlan:
        """The sweep the dialog describes, of the current network, data set and settings;
        PlaygroundError saying what to fix."""
        study, storage = self.study.text().strip(), self.storage.text().strip()
        return self.sweeps.plan(
            self.chosen(), storage, study, self.trials.value(), self.sampler.currentText()
        )

    def start(self) -> None:
        try:
            plan = self.plan()
        except PlaygroundError as e:
            self._failed(str(e))
            return
        if self.sweeps.start(plan, self.workers.value()) is not None:
            self.message.setText(f"Sweeping: {len(plan.params)} parameters, {plan.trials} trials.")
            self.started.emit()

    def _progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(round(fraction * 1000))
        self.progress.setFormat(f"%p %  {text}")

    def _running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if running:
            self.progress.setValue(0)
        elif self.sweeps.table is not None and self.sweeps.table.best is not None:
            table = self.sweeps.table
            self.message.setText(
                f"Done. Best: trial {table.best.number}, validation {table.score} "
                f"{table.best.value:.3f}."
            )

    def _failed(self, text: str) -> None:
        self.message.setText(f"<span style='color:#C62828'>{html.escape(text)}</span>")


def _default_storage(project: Path | None) -> str:
    """A database beside the project, or in the app's home for unsaved work."""
    db = project.with_suffix(".sweeps.db") if project else app_home() / "sweeps.db"
    return f"sqlite:///{db}"


def _spin(low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    return spin
