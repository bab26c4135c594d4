"""Ask a network of numbers (points, tables, a curve) about values typed in: its predicted
number or its classes, in the Classify tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from playground.core.errors import PlaygroundError

if TYPE_CHECKING:  # torch is imported once the data set has loaded
    from playground.core.inspect.inference import RawField


class NumbersForm(QWidget):
    """One box per number and one list per category column; Answer asks answer(values) for a
    line of text to show (a changed category answers at once once asked)."""

    def __init__(self, answer: Callable[[list[float]], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer = answer
        self.fields: list[RawField] = []
        self.boxes: list[QDoubleSpinBox | QComboBox] = []
        self.form = QFormLayout(self)
        self.ask = QPushButton("Answer")
        self.result = QLabel()
        self.result.setObjectName("numbersAnswer")
        self.result.setWordWrap(True)  # a long answer wraps instead of widening the page
        self.hide()

    def set_fields(self, fields: list[RawField]) -> None:
        """A box per number, at its start, and a list per category column; none hides it."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields, self.boxes = fields, [self._box(f) for f in fields]
        for field, box in zip(fields, self.boxes, strict=True):
            self.form.addRow(field.name, box)
        self.ask = QPushButton("Answer")
        self.ask.clicked.connect(self._answer)
        self.result = QLabel("Type values and press Answer to see what the network predicts.")
        self.result.setObjectName("numbersAnswer")
        self.result.setWordWrap(True)  # a long answer wraps instead of widening the page
        self.form.addRow(self.ask, self.result)
        self.setVisible(bool(fields))

    def values(self) -> list[float]:
        """The network's raw inputs for what the boxes hold (a category one-hot)."""
        given = [b.currentIndex() if isinstance(b, QComboBox) else b.value() for b in self.boxes]
        return [v for f, g in zip(self.fields, given, strict=True) for v in f.inputs(g)]

    def _box(self, field: RawField) -> QDoubleSpinBox | QComboBox:
        if field.categories:
            combo = QComboBox()
            for category in field.categories:
                combo.addItem(category, category)
            combo.activated.connect(self._answer_again)
            return combo
        box = QDoubleSpinBox()
        box.setRange(-1e9, 1e9)
        box.setDecimals(4)
        box.setValue(field.start)
        return box

    def _answer_again(self) -> None:
        """A category chosen after an answer: the answer for it, without another click."""
        if self.result.property("answered"):
            self._answer()

    def _answer(self) -> None:
        try:
            self.result.setText(self.answer(self.values()))
            self.result.setProperty("answered", True)
        except PlaygroundError as e:
            self.result.setText(str(e))
