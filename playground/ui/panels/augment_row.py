"""The training panel's augmentation line: what is on, and a button to the dialog."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from playground.core.data.augmentation import (
    CACHE_EXCLUDES_AUGMENTATION,
    Augmentation,
    kornia_missing,
)
from playground.core.training.config import TrainConfig

if TYPE_CHECKING:
    from playground.ui.state.document import NetworkDocument


def summary(aug: Augmentation) -> str:
    """'crop 30 % · flip · rotate 15° · jitter 0.2', or 'off'."""
    parts = []
    if aug.crop:
        parts.append(f"crop {aug.crop:.0%}")
    if aug.flip:
        parts.append("flip")
    if aug.rotate:
        parts.append(f"rotate {aug.rotate:g}°")
    if aug.jitter:
        parts.append(f"jitter {aug.jitter:g}")
    return " · ".join(parts) or "off"


class AugmentRow(QWidget):
    """Follows the settings (show_config) and the network (is it trained on cached features?)."""

    dialogRequested = Signal()  # Augment… clicked: the window shows the dialog
    configEdited = Signal(object)  # TrainConfig: augmentation turned off

    def __init__(self, document: NetworkDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._config = TrainConfig()
        self.summary = QLabel()
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.button = QPushButton("Augment…")
        self.button.setToolTip("Random crops, flips, rotations, colour: set them and see them")
        self.button.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary, 2)
        layout.addWidget(self.button)
        document.changed.connect(self._show)
        self._show()

    def show_config(self, config: TrainConfig) -> None:
        self._config = config
        self._show()

    def _show(self, *_: object) -> None:
        from playground.core.model.efficientnet import trains_on_features

        missing, aug = kornia_missing(), self._config.augmentation
        text, tip = missing or summary(aug), missing or ""
        if missing and aug.active:  # a project made elsewhere: it cannot train as it is
            text = f"{summary(aug)}: {missing[0].lower()}{missing[1:]}"
        elif aug.active and trains_on_features(self.document.spec):
            text = f"⚠ {text}: excludes transfer learning's cached features"
            tip = CACHE_EXCLUDES_AUGMENTATION
        self.summary.setText(text)
        self.summary.setToolTip(tip or text)
        self.button.setText("Turn off" if missing and aug.active else "Augment…")
        self.button.setEnabled(missing is None or aug.active)

    def _clicked(self) -> None:
        if kornia_missing():  # only offered then to turn augmentation off
            self.configEdited.emit(replace(self._config, augment=""))
        else:
            self.dialogRequested.emit()
