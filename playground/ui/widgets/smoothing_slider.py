"""The smoothing control of loss curves: a slider over the stops the history keeps."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from playground.core.training.smoothing import DEFAULT_LEVEL, LEVELS


class SmoothingSlider(QWidget):
    """Stops, not a continuous factor: the history keeps the smoothed curve at each
    (core/training/smoothing.py), averaged over every report before any point was merged."""

    changed = Signal(int)  # the level: an index into LEVELS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(LEVELS) - 1)
        self.slider.setPageStep(1)
        self.slider.setValue(DEFAULT_LEVEL)
        self.slider.setMaximumWidth(140)
        self.setToolTip("Exponential moving average of the training loss (TensorBoard's, debiased)")
        self.value_label = QLabel(f"{LEVELS[DEFAULT_LEVEL]:g}")
        self.value_label.setMinimumWidth(self.value_label.fontMetrics().horizontalAdvance("0.99 "))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Smoothing"))
        layout.addWidget(self.slider)
        layout.addWidget(self.value_label)
        self.slider.valueChanged.connect(self._moved)

    def level(self) -> int:
        return self.slider.value()

    def _moved(self, level: int) -> None:
        self.value_label.setText(f"{LEVELS[level]:g}")
        self.changed.emit(level)
