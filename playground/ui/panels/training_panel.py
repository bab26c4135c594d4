"""The training panel: data set, hyper-parameters, device, the run buttons and progress."""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
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

from playground.core.config import TrainConfig
from playground.core.data.ref import DatasetRef
from playground.core.events import StepMetrics
from playground.ui.state.session import IDLE, PAUSED, RUNNING, TRAINED

DATASETS = [
    ("MNIST 5k digits", "mnist5k"),
    ("Circle (2-D)", "circle"),
    ("XOR (2-D)", "xor"),
    ("Gaussians (2-D)", "gauss"),
    ("Spiral (2-D)", "spiral"),
    ("Image folder…", "folder"),
    ("IDX files…", "idx"),
]
OPTIMIZER_NAMES = [
    ("Adam", "adam"),
    ("AdamW", "adamw"),
    ("SGD with momentum", "sgd"),
    ("RMSprop", "rmsprop"),
]


STATUS_INTERVAL_S = 0.25


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"


class TrainingPanel(QWidget):
    datasetRequested = Signal(object)  # DatasetRef
    trainClicked = Signal()
    pauseClicked = Signal()
    stopClicked = Signal()
    resetClicked = Signal()
    settingsEdited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_form()
        self._build_buttons()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel("Ready to train")
        self.status.setObjectName("trainStatus")
        # A fixed size: new text then repaints the label only, never re-lays out the window.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status.setFixedHeight(self.status.sizeHint().height())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addLayout(self.buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._total_epochs = 0
        self._last_status = 0.0
        self._state, self._loading = IDLE, False
        self.set_state(IDLE)

    def _build_form(self) -> None:
        defaults = TrainConfig()
        self.dataset = QComboBox()
        for text, key in DATASETS:
            self.dataset.addItem(text, key)
        self.dataset.activated.connect(self._dataset_chosen)
        self._dataset_index = 0
        self.optimizer = QComboBox()
        for text, key in OPTIMIZER_NAMES:
            self.optimizer.addItem(text, key)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(0.00001, 10.0)
        self.lr.setSingleStep(0.0005)
        self.lr.setValue(defaults.lr)
        self.batch_size = _spin(1, 65536, defaults.batch_size)
        self.epochs = _spin(1, 100_000, 5)
        self.seed = _spin(0, 2**31 - 1, defaults.seed)
        self.device = QComboBox()
        self.show_devices([("Auto", "auto"), ("CPU", "cpu")])  # named once PyTorch has loaded
        self.form = QFormLayout()
        self.form.addRow("Data set", self.dataset)
        self.form.addRow("Optimizer", self.optimizer)
        pairs = QHBoxLayout()
        pairs.addWidget(self.lr)
        pairs.addWidget(QLabel("Batch"))
        pairs.addWidget(self.batch_size)
        self.form.addRow("Learning rate", pairs)
        row = QHBoxLayout()
        row.addWidget(self.epochs)
        row.addWidget(QLabel("Seed"))
        row.addWidget(self.seed)
        self.form.addRow("Epochs", row)
        self.form.addRow("Device", self.device)
        for combo in (self.optimizer, self.device):
            combo.activated.connect(self.settingsEdited)
        for spin in (self.lr, self.batch_size, self.epochs, self.seed):
            spin.editingFinished.connect(self.settingsEdited)

    def _build_buttons(self) -> None:
        self.train_button = QPushButton("▶  Train")
        self.train_button.setObjectName("trainButton")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("■  Stop")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Forget the trained weights and start from new random ones")
        self.train_button.clicked.connect(self.trainClicked)
        self.pause_button.clicked.connect(self.pauseClicked)
        self.stop_button.clicked.connect(self.stopClicked)
        self.reset_button.clicked.connect(self.resetClicked)
        self.buttons = QHBoxLayout()
        for b in (self.train_button, self.pause_button, self.stop_button, self.reset_button):
            self.buttons.addWidget(b)

    # --- values -----------------------------------------------------------------------
    def config(self) -> TrainConfig:
        return TrainConfig(
            optimizer=self.optimizer.currentData(),
            lr=self.lr.value(),
            batch_size=self.batch_size.value(),
            epochs=self.epochs.value(),
            seed=self.seed.value(),
            device=self.device.currentData(),
        )

    def set_config(self, config: TrainConfig) -> None:
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(config.optimizer)))
        self.lr.setValue(config.lr)
        self.batch_size.setValue(config.batch_size)
        self.epochs.setValue(config.epochs)
        self.seed.setValue(config.seed)
        self.device.setCurrentIndex(max(0, self.device.findData(config.device)))

    def show_devices(self, choices: list[tuple[str, str]]) -> None:
        """Offer these (label, choice) devices, keeping the current choice if it is offered."""
        key = self.device.currentData()
        self.device.clear()
        for text, choice in choices:
            self.device.addItem(text, choice)
        self.device.setCurrentIndex(max(0, self.device.findData(key)))

    def set_loading(self, loading: bool) -> None:
        """While PyTorch loads, the settings can be edited but training cannot start yet."""
        self._loading = loading
        self.status.setText("Loading PyTorch and the data set…" if loading else "Ready to train")
        self.set_state(self._state)

    def show_dataset(self, ref: DatasetRef) -> None:
        """Point the chooser at ref (a bundled name, or the folder/IDX entry for a path)."""
        index = self.dataset.findData(ref.source)
        if index < 0:
            index = self.dataset.findData("folder")
            self.dataset.setItemText(index, f"Folder: {ref.source}")
        self.dataset.setCurrentIndex(index)
        self._dataset_index = index

    def _dataset_chosen(self, index: int) -> None:
        key = self.dataset.itemData(index)
        ref: DatasetRef | None = DatasetRef(key)
        if key == "folder":
            path = QFileDialog.getExistingDirectory(self, "Image folder: one sub-folder per class")
            ref = DatasetRef(path) if path else None
        elif key == "idx":
            path, _ = QFileDialog.getOpenFileName(
                self,
                "IDX image file (its labels file must be beside it)",
                "",
                "IDX files (*idx3-ubyte *idx3-ubyte.gz);;All files (*)",
            )
            ref = DatasetRef(path) if path else None
        if ref is None:  # dialog cancelled: keep the previous choice
            self.dataset.setCurrentIndex(self._dataset_index)
            return
        self._dataset_index = index
        self.datasetRequested.emit(ref)

    # --- state and progress -------------------------------------------------------------
    def set_state(self, state: str) -> None:
        self._state = state
        busy = state in (RUNNING, PAUSED)
        self.train_button.setEnabled(not busy and not self._loading)
        self.dataset.setEnabled(not busy and not self._loading)
        self.train_button.setText("▶  Continue" if state == TRAINED else "▶  Train")
        self.pause_button.setEnabled(busy)
        self.pause_button.setText("Resume" if state == PAUSED else "Pause")
        self.stop_button.setEnabled(busy)
        self.reset_button.setEnabled(state == TRAINED)
        for w in (
            self.optimizer,
            self.lr,
            self.batch_size,
            self.epochs,
            self.seed,
            self.device,
        ):
            w.setEnabled(not busy)
        if state == PAUSED:
            self.status.setText(self.status.text().split("  ·  (paused)")[0] + "  ·  (paused)")

    def start_run(self, epochs_done: int) -> None:
        self._total_epochs = epochs_done + self.epochs.value()
        self.progress.setValue(0)
        self.status.setText("Starting…")

    def show_step(self, m: StepMetrics, device: str) -> None:
        now = time.monotonic()
        if now - self._last_status < STATUS_INTERVAL_S and m.progress < 1:
            return  # 4 updates a second read fine; the last one (100 %) always shows
        self._last_status = now
        self.progress.setValue(int(m.progress * 1000))
        self.status.setText(
            f"Epoch {m.epoch}/{self._total_epochs}  ·  {m.samples_per_s:,.0f} samples/s  ·  "
            f"ETA {_duration(m.eta_s)}  ·  {device}"
        )

    def show_message(self, text: str) -> None:
        self.status.setText(text)


def _spin(lo: int, hi: int, value: int) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    return s
