"""What a run does besides training: stop early, keep the best epoch's weights (and offer them
back), write TensorBoard logs, and find a learning rate before training."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from playground.core.numbers import number
from playground.core.training.config import TrainConfig
from playground.core.training.events import Finished, RunStatus
from playground.ui.state.session import SessionState

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.core.training.events import EpochMetrics
    from playground.ui.state.document import NetworkDocument
    from playground.ui.state.session import TrainingSession

DEFAULT_PATIENCE = 3


class RunOptions(QWidget):
    """Follows the settings (show_config); edits patience only (the panel edits the rest)."""

    findLrRequested = Signal()  # Find LR… clicked: the window opens the finder
    configEdited = Signal(object)  # TrainConfig: the settings with the patience edited
    status = Signal(str)  # a transient status-bar line

    def __init__(
        self,
        session: TrainingSession,
        document: NetworkDocument,
        restore_best: Callable[[], EpochMetrics | None],
        parent: QWidget | None = None,
    ) -> None:
        """restore_best makes the last run's best epoch's weights the trained ones."""
        super().__init__(parent)
        self.session, self.document, self._restore = session, document, restore_best
        self._config = TrainConfig()
        self._ready = False  # PyTorch and a data set loaded (set_ready, show_dataset)
        self._has_data = False
        self.early = QCheckBox("Early stop")
        patience_tip = "Stop when the validation loss has not improved for this many epochs"
        self.early.setToolTip(patience_tip)
        self.patience = QSpinBox()
        self.patience.setRange(1, 1000)
        self.patience.setValue(DEFAULT_PATIENCE)
        self.patience.setToolTip(patience_tip)
        self.keep_best = QCheckBox("Keep best")
        self.keep_best.setChecked(True)
        self.keep_best.setToolTip(
            "After training, offer to go back to the weights of the epoch with the lowest "
            "validation loss"
        )
        self.tensorboard = QCheckBox("TensorBoard logs")
        self.tensorboard.setToolTip("Write TensorBoard event files of every run into a folder")
        self.find_lr = QPushButton("Find LR…")
        self.find_lr.setToolTip(
            "Find a learning rate: a short range test on a copy of the network (≤ 100 steps)"
        )
        self.offer = QFrame()
        self.offer.setObjectName("banner")
        self.offer.setProperty("kind", "info")
        self.offer_text = QLabel()
        # never wider than the panel: it is cut instead (the tooltip has it all)
        self.offer_text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.restore = QPushButton("Restore")
        self.keep_last = QPushButton("Keep last")
        self.pages = QStackedWidget()  # the options, or in their place the offer: same height
        self._build()
        self.early.toggled.connect(self._patience_edited)
        self.patience.valueChanged.connect(self._patience_edited)
        self.tensorboard.toggled.connect(self._tensorboard_toggled)
        self.restore.clicked.connect(self._restore_best)
        self.keep_last.clicked.connect(self._hide_offer)
        self.find_lr.clicked.connect(self.findLrRequested)
        s = session
        s.stateChanged.connect(self._update)
        s.finished.connect(self._offer_best)
        s.historyReplaced.connect(self._hide_offer)  # a new run, a reset, another project
        s.stateChanged.connect(lambda state: state == SessionState.RUNNING and self._hide_offer())
        document.changed.connect(self._update)
        self._update()

    def _build(self) -> None:
        options = QWidget()
        row = QHBoxLayout(options)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.early)
        row.addWidget(self.patience)
        row.addSpacing(8)
        for w in (self.keep_best, self.tensorboard):
            row.addWidget(w)
            row.addSpacing(8)
        row.addStretch(1)
        row.addWidget(self.find_lr)
        offer = QHBoxLayout(self.offer)
        offer.setContentsMargins(8, 0, 2, 0)
        offer.addWidget(self.offer_text, 1)
        offer.addWidget(self.restore)
        offer.addWidget(self.keep_last)
        self.pages.addWidget(options)
        self.pages.addWidget(self.offer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # --- settings ---------------------------------------------------------------------------
    def show_config(self, config: TrainConfig) -> None:
        self._config = config
        for w in (self.early, self.patience):
            w.blockSignals(True)
        self.early.setChecked(config.patience > 0)
        if config.patience > 0:
            self.patience.setValue(config.patience)
        for w in (self.early, self.patience):
            w.blockSignals(False)
        self.patience.setEnabled(self.early.isChecked() and not self.session.busy)

    def set_ready(self, ready: bool) -> None:
        """PyTorch has loaded: the learning-rate finder can run."""
        self._ready = ready
        self._update()

    def show_dataset(self, d: Dataset | None) -> None:
        self._has_data = d is not None
        self._update()

    def _patience_edited(self, *_: object) -> None:
        patience = self.patience.value() if self.early.isChecked() else 0
        self.configEdited.emit(replace(self._config, patience=patience))
        self._update()

    def _update(self, *_: object) -> None:
        busy = self.session.busy
        for w in (self.early, self.tensorboard):
            w.setEnabled(not busy)
        self.patience.setEnabled(self.early.isChecked() and not busy)
        ready = self._ready and self._has_data and self.document.report.ok
        self.find_lr.setEnabled(ready and not busy)

    def _tensorboard_toggled(self, on: bool) -> None:
        s = self.session
        if not on:
            s.tensorboard_dir = None
            self.tensorboard.setToolTip("")
            return
        start = str(s.tensorboard_dir or Path.home() / "playground-runs")
        folder = QFileDialog.getExistingDirectory(self, "Folder for the TensorBoard logs", start)
        if not folder:
            self.tensorboard.setChecked(False)
            return
        s.tensorboard_dir = Path(folder)
        self.tensorboard.setToolTip(
            f"Each run writes into a new folder in {folder}: tensorboard --logdir {folder}"
        )
        self.status.emit(f"TensorBoard logs of the next runs go to {folder}")

    # --- the best epoch ---------------------------------------------------------------------
    def _offer_best(self, finished: Finished) -> None:
        s = self.session
        last = s.history.epochs[-1] if s.history.epochs else None
        best = s.best[0] if s.best else None
        if not self.keep_best.isChecked() or best is None or last is None:
            return
        if best.epoch == last.epoch or finished.status == RunStatus.ERROR:
            return
        self.offer_text.setText(
            f"Epoch {best.epoch} was best (val. loss {number(best.val_loss)}, "
            f"last {number(last.val_loss)})"
        )
        self.offer_text.setToolTip(
            f"Epoch {best.epoch} had the lowest validation loss; restore its weights, or keep "
            f"those of the last epoch, {last.epoch}"
        )
        self.restore.setText(f"Restore epoch {best.epoch}")
        self.pages.setCurrentWidget(self.offer)

    def offering(self) -> bool:
        """Whether the best epoch's weights are being offered."""
        return self.pages.currentWidget() is self.offer

    def _hide_offer(self, *_: object) -> None:
        self.pages.setCurrentIndex(0)

    def _restore_best(self) -> None:
        self._restore()
        self._hide_offer()
