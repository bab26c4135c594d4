"""The training panel: data set, hyper-parameters, device, the run buttons and progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.painted import PAINTED
from playground.core.data.ref import REGRESSION, DatasetRef
from playground.core.data.toy import TOY_NAMES
from playground.core.numbers import apart, counted, duration, validation_score
from playground.core.training.config import TrainConfig
from playground.core.training.events import Finished, RunStatus, StepMetrics, StepResult
from playground.ui.panels.augment_row import AugmentRow
from playground.ui.panels.run_options import RunOptions
from playground.ui.state.session import SessionState
from playground.ui.widgets.spin_boxes import ClampingDoubleSpinBox, ClampingSpinBox

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.core.training.events import EpochMetrics
    from playground.ui.state.document import NetworkDocument
    from playground.ui.state.feature_training import FeatureTraining
    from playground.ui.state.painting import Painting
    from playground.ui.state.session import TrainingSession

DATASETS = [
    ("MNIST 5k digits", "mnist5k"),
    ("Circle (2-D)", "circle"),
    ("XOR (2-D)", "xor"),
    ("Gaussians (2-D)", "gauss"),
    ("Spiral (2-D)", "spiral"),
    ("Plane (2-D, a number)", "plane"),
    ("Multi Gaussian (2-D, a number)", "multigauss"),
    ("Sine (fit a curve)", "sine"),
    ("Painted points", "painted"),
    ("Table (CSV/TSV)…", "table"),
    ("Image folder…", "folder"),
    ("IDX files…", "idx"),
]
REGULARIZATION_NAMES = [("None", "none"), ("L1", "l1"), ("L2", "l2")]
WITH_MOMENTUM = ("sgd", "rmsprop")
OPTIMIZER_NAMES = [
    ("Adam", "adam"),
    ("AdamW", "adamw"),
    ("SGD with momentum", "sgd"),
    ("RMSprop", "rmsprop"),
]


STATUS_INTERVAL_S = 0.25


# training paces (steps a second, 0: full speed): slow enough to watch toy data learn
SPEEDS = (("Full", 0.0), ("20/s", 20.0), ("5/s", 5.0), ("1/s", 1.0))  # steps a second


@dataclass(frozen=True)
class PanelParts:
    """What the panel follows and asks: made and owned by the window (see view_assembly.py)."""

    session: TrainingSession
    document: NetworkDocument
    transfer: FeatureTraining  # transfer learning's features, computed before its first run
    painting: Painting  # the points painted on the Boundary tab
    device_text: Callable[[], str]  # the training device, named for the status line
    restore_best: Callable[[], EpochMetrics | None]  # the best epoch's weights made current


class TrainingPanel(QWidget):
    """Settings, run buttons, progress and a status line that always tells the truth: it
    follows the session and the network through their signals, and the data set, the
    settings and PyTorch's loading through show_dataset, set_config and set_ready."""

    datasetRequested = Signal(object)  # DatasetRef
    folderRequested = Signal()  # Image folder… (chosen and looked at before it loads)
    paintRequested = Signal()  # Painted points: paint them on the Boundary tab
    tableRequested = Signal()  # Table…: chosen and previewed before it loads
    trainClicked = Signal()
    stepClicked = Signal()
    pauseClicked = Signal()
    stopClicked = Signal()
    resetClicked = Signal()
    controlsChanged = Signal()  # which buttons are enabled changed (menus mirror them)
    configEdited = Signal(object)  # TrainConfig: the settings as edited here

    def __init__(self, parts: PanelParts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.document, self.parts = parts.session, parts.document, parts
        self._config = TrainConfig()  # the settings shown (set_config)
        self._ready = False  # PyTorch and the first data set loaded: training possible
        self._dataset_shown: Dataset | None = None
        self._build_form()
        self._build_buttons()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setObjectName("trainStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        # A fixed size (two lines): new text then repaints the label only, never re-lays out
        # the window.
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        # early stopping, best weights, logs, LR finder
        self.options = RunOptions(parts.session, parts.document, parts.restore_best)
        layout.addWidget(self.options)
        layout.addLayout(self.buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._total_epochs = 0
        self._last_status = 0.0
        self._outcome = ""  # how the last run ended, until something else happens
        self._wire(parts)
        self._update()

    def _wire(self, parts: PanelParts) -> None:
        s = parts.session
        s.stateChanged.connect(self._update)
        s.historyReplaced.connect(self._forget_run)
        s.stepped.connect(self._show_step)
        s.stepMeasured.connect(self._show_single_step)
        s.finished.connect(self._show_finished)
        parts.document.changed.connect(self._network_edited)
        parts.transfer.changed.connect(self._update)
        for part in (self.options, self.augment):
            part.configEdited.connect(self.configEdited)

    def _build_form(self) -> None:
        defaults = TrainConfig()
        self.dataset = QComboBox()
        for text, key in DATASETS:
            self.dataset.addItem(text, key)
        self.dataset.setPlaceholderText("Choose a data set")
        self.dataset.activated.connect(self._dataset_chosen)
        self._dataset_index = 0
        self.optimizer = QComboBox()
        for text, key in OPTIMIZER_NAMES:
            self.optimizer.addItem(text, key)
        self.lr = ClampingDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(0.00001, 10.0)
        self.lr.setSingleStep(0.0005)
        self.lr.setValue(defaults.lr)
        self.momentum = _decimal(0, 0.999, 3, 0.05)
        self.weight_decay = _decimal(0, 1, 5, 0.0001)
        self.regularization = QComboBox()
        for text, key in REGULARIZATION_NAMES:
            self.regularization.addItem(text, key)
        self.regularization.setToolTip(
            "Add a penalty on the weights to the cost: L1 = rate·Σ|w| pushes weights to 0, "
            "L2 = rate·Σw² keeps them small"
        )
        self.reg_rate = _decimal(0, 10, 4, 0.001)
        self.batch_size = _spin(1, 65536, defaults.batch_size)
        self.epochs = _spin(1, 100_000, 5)
        self.seed = _spin(0, 2**31 - 1, defaults.seed)
        self.device = QComboBox()
        self.show_devices([("Auto", "auto"), ("CPU", "cpu")])  # named once PyTorch has loaded
        self.form = QFormLayout()
        self.form.addRow("Data set", self.dataset)
        self.form.addRow("Optimizer", _row(self.optimizer, "Momentum", self.momentum))
        self.form.addRow("Learning rate", _row(self.lr, "Batch", self.batch_size))
        self.form.addRow(
            "Regularise",
            _row(self.regularization, "Rate", self.reg_rate, "Decay", self.weight_decay),
        )
        # one row for three: the panel must leave the views room in a 700-pixel-high window
        row = _row(self.epochs, "Seed", self.seed, "Device", self.device)
        row.setStretchFactor(self.device, 1)  # "Auto (CPU)" in full before wider numbers
        self.form.addRow("Epochs", row)
        self.augment = AugmentRow(self.document)
        self.form.addRow("Augment", self.augment)
        for combo in (self.optimizer, self.device, self.regularization):
            combo.activated.connect(self._settings_edited)
        for spin in (*self._live_spins(), self.batch_size, self.epochs, self.seed):
            spin.valueChanged.connect(self._settings_edited)

    def _live_spins(self) -> tuple:
        """The settings that may change while training runs (from its next step on)."""
        return (self.lr, self.momentum, self.weight_decay, self.reg_rate)

    def _build_buttons(self) -> None:
        self.train_button = QPushButton("▶  Train")
        self.train_button.setObjectName("trainButton")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip(
            "Run one mini-batch, then pause: see its loss before and after and how far each "
            "weight moved (Step tab)"
        )
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("■  Stop")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Forget the trained weights and start from new random ones")
        self.train_button.clicked.connect(self.trainClicked)
        self.step_button.clicked.connect(self.stepClicked)
        self.pause_button.clicked.connect(self.pauseClicked)
        self.stop_button.clicked.connect(self.stopClicked)
        self.reset_button.clicked.connect(self.resetClicked)
        self.speed = QComboBox()
        for text, steps_per_s in SPEEDS:
            self.speed.addItem(text, steps_per_s)
        self.speed.setToolTip(
            "Training speed: full, or a few steps a second, slow enough to watch toy data "
            "learn (as TensorFlow Playground's play); it can change while training runs"
        )
        self.speed.activated.connect(lambda i: self.session.set_pace(self.speed.itemData(i)))
        self.buttons = QHBoxLayout()
        buttons = (self.train_button, self.step_button, self.pause_button, self.stop_button)
        for b in (*buttons, self.reset_button, self.speed):
            self.buttons.addWidget(b)

    # --- values -----------------------------------------------------------------------
    def config(self) -> TrainConfig:
        """The settings with those this panel edits as they are shown."""
        return replace(
            self._config,
            optimizer=self.optimizer.currentData(),
            lr=self.lr.value(),
            momentum=self.momentum.value(),
            weight_decay=self.weight_decay.value(),
            regularization=self.regularization.currentData(),
            reg_rate=self.reg_rate.value(),
            batch_size=self.batch_size.value(),
            epochs=self.epochs.value(),
            seed=self.seed.value(),
            device=self.device.currentData(),
        )

    def _settings_edited(self, *_: object) -> None:
        self.configEdited.emit(self.config())
        self._update()

    def set_config(self, config: TrainConfig) -> None:
        """Show these settings (edited here or elsewhere, a project's, a program's)."""
        self._config = config
        self.options.show_config(config)
        self.augment.show_config(config)
        widgets = (*self._settings_widgets(), self.regularization)
        for w in widgets:
            w.blockSignals(True)
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(config.optimizer)))
        self.lr.setValue(config.lr)
        self.momentum.setValue(config.momentum)
        self.weight_decay.setValue(config.weight_decay)
        self.regularization.setCurrentIndex(self.regularization.findData(config.regularization))
        self.reg_rate.setValue(config.reg_rate)
        self.batch_size.setValue(config.batch_size)
        self.epochs.setValue(config.epochs)
        self.seed.setValue(config.seed)
        self.device.setCurrentIndex(max(0, self.device.findData(config.device)))
        for w in widgets:
            w.blockSignals(False)
        self._update()

    def _settings_widgets(self) -> tuple:
        return (
            *self._live_spins(),
            self.optimizer,
            self.batch_size,
            self.epochs,
            self.seed,
            self.device,
        )

    def show_devices(self, choices: list[tuple[str, str]]) -> None:
        """Offer these (label, choice) devices, keeping the current choice if it is offered."""
        key = self.device.currentData()
        self.device.clear()
        for text, choice in choices:
            self.device.addItem(text, choice)
        self.device.setCurrentIndex(max(0, self.device.findData(key)))

    def set_ready(self, ready: bool) -> None:
        """PyTorch and the first data set have loaded: training is possible."""
        self._ready = ready
        self.options.set_ready(ready)
        self._update()

    def show_dataset(self, d: Dataset | None) -> None:
        """Point the chooser at the data set (a bundled name, or the folder/IDX entry)."""
        self._dataset_shown = d
        self.options.show_dataset(d)
        if d is None:  # a trained network opened without one
            self.dataset.setCurrentIndex(-1)  # shows the placeholder
            self._dataset_index = -1
            self._forget_run()
            return
        index = self.dataset.findData(d.ref.source)
        if index < 0 and d.preprocessing.inputs:  # a table's columns
            index = self.dataset.findData("table")
            self.dataset.setItemText(index, f"Table: {d.name}")
        elif index < 0:
            index = self.dataset.findData("folder")
            self.dataset.setItemText(index, _folder_text(d))
            self.dataset.setItemData(index, d.ref.source, Qt.ItemDataRole.ToolTipRole)
        self.dataset.setCurrentIndex(index)
        self._dataset_index = index
        self._forget_run()

    def _dataset_chosen(self, index: int) -> None:
        key = self.dataset.itemData(index)
        ref: DatasetRef | None = DatasetRef(key)
        d = self._dataset_shown
        if key in TOY_NAMES and d is not None and d.ref.source in TOY_NAMES:
            ref = DatasetRef(key, d.ref.options)  # the inputs and noise chosen stay
        if key == "folder":
            ref = None
            self.folderRequested.emit()
        elif key == "table":
            ref = None
            self.tableRequested.emit()
        elif key == PAINTED:
            painting = self.parts.painting
            ref = painting.ref() if painting.learnable() else None
            self.paintRequested.emit()
        elif key == "idx":
            path, _ = QFileDialog.getOpenFileName(
                self,
                "IDX image file (its labels file must be beside it)",
                "",
                "IDX files (*idx3-ubyte *idx3-ubyte.gz);;All files (*)",
            )
            ref = DatasetRef(path) if path else None
        self.dataset.setCurrentIndex(self._dataset_index)  # until the new one has loaded
        if ref is not None:
            self.datasetRequested.emit(ref)

    # --- state and progress -------------------------------------------------------------
    def _update(self, *_: object) -> None:
        """Enable what can be done now and say what Train will do."""
        s, ready = self.session, self._ready
        busy, state = s.busy, s.state
        report = self.document.report
        preparing = self.parts.transfer.task is not None  # Train computes the backbone's features
        has_data = self._dataset_shown is not None
        can_train = ready and not busy and not preparing and report.ok and has_data
        continues = s.continues(self.document.spec)
        self.train_button.setEnabled(can_train)
        self.step_button.setEnabled(can_train or state == SessionState.PAUSED)
        self.train_button.setText("▶  Continue" if continues else "▶  Train")
        self.train_button.setToolTip(
            f"Train {self.epochs.value()} more epochs from the current weights"
            if continues
            else "Train from new random weights"
        )
        self.dataset.setEnabled(ready and not busy and not preparing)
        self.pause_button.setEnabled(busy)
        self.pause_button.setText("Resume" if state == SessionState.PAUSED else "Pause")
        self.stop_button.setEnabled(busy)
        self.reset_button.setEnabled(not busy and s.weights is not None)
        for w in (*self._settings_widgets(), self.regularization):
            w.setEnabled(not busy or w in self._live_spins())
        self.momentum.setEnabled(self.optimizer.currentData() in WITH_MOMENTUM)
        self.reg_rate.setEnabled(self.regularization.currentData() != "none")
        if state == SessionState.RUNNING and not self._total_epochs:
            self._total_epochs = s.history.epochs_done + self.epochs.value()
            self.progress.setValue(0)
            self.status.setText("Starting…")
        if not busy:
            self._total_epochs = 0
            self.status.setText(self._idle_text(report, continues))
        elif state == SessionState.PAUSED:
            text = self.status.text().split("  ·  ETA")[0]
            self.status.setText(text if "paused" in text else text + "  ·  paused")
        self.controlsChanged.emit()

    def _idle_text(self, report, continues: bool) -> str:
        s = self.session
        if not self._ready:
            return "Loading PyTorch and the data set…"
        if self.parts.transfer.task is not None:
            return "Computing the backbone's features of the photos, once: the next runs reuse them"
        if self._dataset_shown is None:
            return "Choose a data set to train on"
        if not report.ok:
            return f"Fix the network to train it: {report.error}"
        if self._outcome:
            return self._outcome
        if continues:
            done = counted(s.history.epochs_done, "epoch")
            return f"Trained {done}: Continue trains on from here"
        if s.weights is not None:
            return "The network changed since it was trained: Train starts from random weights"
        return "Ready to train"

    def _network_edited(self) -> None:
        self._outcome = ""  # how the last run ended is old news once the network changed
        self._update()

    def _forget_run(self) -> None:
        self._outcome = ""
        self.progress.setValue(0)
        self._update()

    def _show_step(self, m: StepMetrics) -> None:
        now = time.monotonic()
        if now - self._last_status < STATUS_INTERVAL_S and m.progress < 1:
            return  # 4 updates a second read fine; the last one (100 %) always shows
        self._last_status = now
        self.progress.setValue(int(m.progress * 1000))
        total = max(self._total_epochs, m.last_epoch)
        known = self.session.state == SessionState.RUNNING and m.eta_s >= 0
        eta = f"  ·  ETA {duration(m.eta_s)}" if known else ""
        self.status.setText(
            f"Epoch {m.epoch}/{total}  ·  {m.samples_per_s:,.0f} samples/s{eta}  ·  "
            f"{self.parts.device_text()}"
        )

    def _show_single_step(self, r: StepResult) -> None:
        before, after = apart(r.loss_before, r.loss_after)
        self.status.setText(
            f"Step {r.step:,}: loss on its batch of {r.batch_size} {before} → {after}  ·  "
            "paused (Step tab: how far each weight moved)"
        )

    def _show_finished(self, f: Finished) -> None:
        epochs = self.session.history.epochs
        d = self._dataset_shown
        regression = d is not None and d.task == REGRESSION
        score = validation_score(epochs[-1].val_accuracy, regression) if epochs else ""
        accuracy = f"  ·  {score}" if epochs else ""
        if f.status == RunStatus.COMPLETED:
            self.progress.setValue(1000)
            # early stopping is a completed run whose message says when and why it stopped
            early = f.message.startswith("Stopped early")
            trained = f"Trained {counted(f.epochs_done, 'epoch')}"
            self._outcome = f"{f.message if early else trained}{accuracy}"
        elif f.status == RunStatus.STOPPED:
            self._outcome = f"Stopped after {counted(f.epochs_done, 'epoch')}{accuracy}"
        else:
            self._outcome = f.message
        self._update()


def _folder_text(d: Dataset) -> str:
    """A folder data set by its name, not its path (your photos' folder is a path inside the
    app's home, which says nothing); the path is the entry's tooltip."""
    from playground.core.data.photo_classes import owned
    from playground.ui.state.project_files import app_home

    if owned(Path(d.ref.source), app_home()):
        return f"Your photos ({d.name})"
    return f"Folder: {d.name}"


def _row(*parts: QWidget | str) -> QHBoxLayout:
    """Widgets side by side, a text between them as a label."""
    row = QHBoxLayout()
    for part in parts:
        row.addWidget(QLabel(part) if isinstance(part, str) else part)
    return row


def _decimal(lo: float, hi: float, decimals: int, step: float) -> ClampingDoubleSpinBox:
    s = ClampingDoubleSpinBox()
    s.setDecimals(decimals)
    s.setRange(lo, hi)
    s.setSingleStep(step)
    return s


def _spin(lo: int, hi: int, value: int) -> QSpinBox:
    s = ClampingSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    return s
