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

if TYPE_CHECKING:
    from playground.ui.state.workspace import Workspace


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
    dialogRequested = Signal()  # Augment… clicked: the window shows the dialog

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.summary = QLabel()
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.button = QPushButton("Augment…")
        self.button.setToolTip("Random crops, flips, rotations, colour: set them and see them")
        self.button.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary, 2)
        layout.addWidget(self.button)
        workspace.configChanged.connect(self._show)
        workspace.document.changed.connect(self._show)
        self._show()

    def _show(self, *_: object) -> None:
        from playground.core.model.efficientnet import trains_on_features

        missing, aug = kornia_missing(), self.ws.config.augmentation
        text, tip = missing or summary(aug), missing or ""
        if missing and aug.active:  # a project made elsewhere: it cannot train as it is
            text = f"{summary(aug)}: {missing[0].lower()}{missing[1:]}"
        elif aug.active and trains_on_features(self.ws.document.spec):
            text = f"⚠ {text}: excludes transfer learning's cached features"
            tip = CACHE_EXCLUDES_AUGMENTATION
        self.summary.setText(text)
        self.summary.setToolTip(tip or text)
        self.button.setText("Turn off" if missing and aug.active else "Augment…")
        self.button.setEnabled(missing is None or aug.active)

    def _clicked(self) -> None:
        if kornia_missing():  # only offered then to turn augmentation off
            self.ws.set_config(replace(self.ws.config, augment=""))
        else:
            self.dialogRequested.emit()
