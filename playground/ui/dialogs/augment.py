"""Augmentation settings with a live preview: a grid of the data set's pictures as training
batches will see them, drawn again (off the GUI thread) whenever a setting changes."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.augmentation import (
    CACHE_EXCLUDES_AUGMENTATION,
    Augmentation,
    AugmentationError,
    check_applies,
    kornia_missing,
)
from playground.core.training.config import TrainConfig
from playground.ui.state.tasks import stateless
from playground.ui.widgets.images import array_pixmap

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.ui.state.document import NetworkDocument
    from playground.ui.state.session import TrainingSession
    from playground.ui.state.tasks import TaskSlot

SAMPLES, COPIES = 8, 3  # the grid: each sample, then COPIES augmented versions below it
GAP = 8  # pixels between the pictures and their augmented versions
GRID_SIDE = 480
DEBOUNCE_MS = 120  # a spin box held down redraws the preview once it rests
# name, label, (low, high, step, default when switched on), suffix, what the strength means
CHANGES = (
    ("crop", "Random crop", (0.05, 0.9, 0.05, 0.3), "", "cuts away up to this share of the area"),
    ("rotate", "Rotation", (1, 180, 5, 15), "°", "turns either way up to this angle"),
    ("jitter", "Colour jitter", (0.05, 1, 0.05, 0.2), "", "brightness, contrast, saturation ±"),
)


class AugmentDialog(QDialog):
    """Edits the augmentation setting; non-modal, so the window stays usable. Follows the
    settings and the data set through show_config and show_dataset."""

    configEdited = Signal(object)  # TrainConfig: the settings with the augmentation edited

    def __init__(
        self,
        session: TrainingSession,
        document: NetworkDocument,
        preview: TaskSlot,
        parent: QWidget | None = None,
    ) -> None:
        """preview: the slot the grid is drawn in (a new setting's grid replaces one on its
        way)."""
        super().__init__(parent)
        self.session, self.document = session, document
        self._config = TrainConfig()
        self._dataset: Dataset | None = None
        self.setWindowTitle("Augmentation: random changes to every training batch")
        self.checks: dict[str, QCheckBox] = {}
        self.strengths: dict[str, QDoubleSpinBox] = {}
        self.flip = QCheckBox("Mirror left–right (half of the pictures)")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("explanation")
        self.grid = QLabel()
        self.grid.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid.setMinimumSize(GRID_SIDE + 8, GRID_SIDE * 9 // 16)
        self.grid.setStyleSheet("background: #EEF1F4; border: 1px solid #D8DEE4;")
        self.resample = QPushButton("Draw again")
        self.resample.clicked.connect(self._new_seed)
        self._seed = 0
        self._asked: tuple | None = None  # what the grid shows or will: (settings, data, seed)
        self._preview = preview
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._draw)
        self._build()
        document.changed.connect(self._refresh)
        session.stateChanged.connect(self._refresh)
        self._load()

    def _build(self) -> None:
        form = QGridLayout()
        for row, (name, label, (low, high, step, _), suffix, meaning) in enumerate(CHANGES):
            check, spin = QCheckBox(label), QDoubleSpinBox()
            spin.setRange(low, high)
            spin.setSingleStep(step)
            spin.setDecimals(0 if suffix else 2)
            spin.setSuffix(suffix)
            spin.setToolTip(meaning)
            check.toggled.connect(self._edited)
            spin.valueChanged.connect(self._edited)
            self.checks[name], self.strengths[name] = check, spin
            form.addWidget(check, row, 0)
            form.addWidget(spin, row, 1)
            form.addWidget(QLabel(meaning), row, 2)
        form.addWidget(self.flip, len(CHANGES), 0, 1, 3)
        self.flip.toggled.connect(self._edited)
        form.setColumnStretch(2, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Top row: the pictures; below: as three batches may see them"))
        buttons.addStretch(1)
        buttons.addWidget(self.resample)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.grid, 1)
        layout.addLayout(buttons)

    # --- the setting ----------------------------------------------------------------------
    def augmentation(self) -> Augmentation:
        """The settings as the controls show them."""
        values = {
            n: self.strengths[n].value() if c.isChecked() else 0 for n, c in self.checks.items()
        }
        return Augmentation(flip=self.flip.isChecked(), **values)

    def show_config(self, config: TrainConfig) -> None:
        """Show these settings' augmentation (a project opened, the panel reset)."""
        self._config = config
        self._load()

    def show_dataset(self, d: Dataset | None) -> None:
        self._dataset = d
        self._refresh()

    def _load(self) -> None:
        aug = self._config.augmentation
        widgets = [*self.checks.values(), *self.strengths.values(), self.flip]
        for w in widgets:
            w.blockSignals(True)
        for name, (_, _, (_, _, _, default), _, _) in zip(self.checks, CHANGES, strict=True):
            value = getattr(aug, name)
            self.checks[name].setChecked(bool(value))
            self.strengths[name].setValue(value or default)
        self.flip.setChecked(aug.flip)
        for w in widgets:
            w.blockSignals(False)
        self._refresh()

    def _edited(self, *_: object) -> None:
        self.configEdited.emit(replace(self._config, augment=str(self.augmentation())))

    # --- what may be changed, and why not --------------------------------------------------
    def _refresh(self, *_: object) -> None:
        reason = self._why_not()
        d = self._dataset
        colour = d is not None and d.preprocessing.channels == 3
        for name, check in self.checks.items():
            usable = reason is None and (name != "jitter" or colour)
            check.setEnabled(usable)
            self.strengths[name].setEnabled(usable and check.isChecked())
        self.flip.setEnabled(reason is None)
        self.checks["jitter"].setToolTip("" if colour else "Colour jitter needs colour pictures")
        self.note.setText(reason or self._warning())
        self._timer.start()

    def _why_not(self) -> str | None:
        """Why augmentation cannot be set now, in one line; None when it can."""
        missing = kornia_missing()
        if missing:
            return missing + "."
        d = self._dataset
        if d is None:
            return "Choose a data set: augmentation changes its pictures."
        if d.preprocessing.kind != "image":
            return f"Augmentation changes pictures, and {d.name} holds 2-D points."
        if self.session.busy:
            return "Stop training to change the augmentation."
        return None

    def _warning(self) -> str:
        """What the settings chosen mean, or why they clash with something."""
        from playground.core.model.efficientnet import trains_on_features

        aug, d = self.augmentation(), self._dataset
        if aug.active and trains_on_features(self.document.spec):
            return "⚠ " + CACHE_EXCLUDES_AUGMENTATION[0].upper() + CACHE_EXCLUDES_AUGMENTATION[1:]
        try:
            if d is not None:
                check_applies(aug, d.preprocessing, d.name)
        except AugmentationError as e:
            return f"⚠ {e}"
        colour = (
            ""
            if d is None or d.preprocessing.channels == 3
            else " Colour jitter: colour pictures only."
        )
        return (
            "Every training batch is changed at random on the training device; validation "
            "and classifying see the pictures as they are." + colour
        )

    # --- the preview ----------------------------------------------------------------------
    def _new_seed(self) -> None:
        self._seed += 1
        self._draw()

    def _draw(self) -> None:
        """Compute the grid as a task (Kornia's first import takes a second)."""
        window = self.parentWidget()
        if not self.isVisible() or (window is not None and not window.isVisible()):
            return  # drawn when shown again; a closing window starts no more work
        d = self._dataset
        if d is None or d.preprocessing.kind != "image" or kornia_missing():
            self.grid.clear()
            self.grid.setText("No pictures to show")
            self._asked = None
            self._preview.cancel()
            return
        aug = self.augmentation()
        key = (aug, id(d), self._seed)
        if key == self._asked:
            return  # settings that do not change the pictures (the learning rate) changed
        self._asked = key
        from playground.core.data.augmentation import preview_grid

        args = (aug, d, self._seed, SAMPLES, COPIES, GAP)
        title = "Drawing the augmentation preview"
        task = self._preview.start(title, stateless(preview_grid), *args)
        task.done.connect(self._show_grid)
        task.failed.connect(lambda e: self.grid.setText(f"No preview: {e}"))

    def _show_grid(self, grid) -> None:
        pixmap = array_pixmap(grid, GRID_SIDE)
        self.grid.setMinimumHeight(max(self.grid.minimumHeight(), pixmap.height() + 8))
        self.grid.setPixmap(pixmap)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._refresh()

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)
