"""Spin boxes that take any number typed and bring it into range when the edit ends.

A plain QSpinBox drops the keystroke that would leave its range, so typing 40 where the maximum
is 31 silently became 4. These accept the text, clamp it on Enter or focus loss, and say so.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


def _number(text: str, kind: type) -> float | None:
    try:
        return kind(text.strip().replace(",", ""))
    except ValueError:
        return None


class _Clamping:
    """Mixin for QSpinBox / QDoubleSpinBox: out-of-range numbers are Intermediate, not
    Invalid, and fixup clamps them."""

    clamped = Signal(str)  # what was typed, what it became
    kind: type = int

    def validate(self, text: str, pos: int):
        value = _number(text, self.kind)
        if value is not None and not self.minimum() <= value <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return super().validate(text, pos)

    def fixup(self, text: str) -> str:
        value = _number(text, self.kind)
        if value is None:
            return super().fixup(text)
        inside = min(max(value, self.minimum()), self.maximum())
        shown = self.textFromValue(inside)
        self.clamped.emit(
            f"{text.strip()} is outside {self.textFromValue(self.minimum())} to "
            f"{self.textFromValue(self.maximum())}: set to {shown}"
        )
        return shown


class ClampingSpinBox(_Clamping, QSpinBox):
    kind = int


class ClampingDoubleSpinBox(_Clamping, QDoubleSpinBox):
    kind = float
