"""Ask a network of numbers (points, tables, a curve) about values typed in: its predicted
number or its classes, in the Classify tab."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel, QPushButton, QWidget

from playground.core.errors import PlaygroundError


class NumbersForm(QWidget):
    """One box per input; Answer asks answer(values) for a line of text to show."""

    def __init__(self, answer: Callable[[list[float]], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer = answer
        self.boxes: list[QDoubleSpinBox] = []
        self.form = QFormLayout(self)
        self.ask = QPushButton("Answer")
        self.ask.clicked.connect(self._answer)
        self.result = QLabel()
        self.result.setObjectName("numbersAnswer")
        self.hide()

    def set_inputs(self, names: list[str], values: list[float]) -> None:
        """A box per input, holding values (the training means); no names hides the form."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.boxes = []
        for name, value in zip(names, values, strict=True):
            box = QDoubleSpinBox()
            box.setRange(-1e9, 1e9)
            box.setDecimals(4)
            box.setValue(value)
            self.boxes.append(box)
            self.form.addRow(name, box)
        self.ask = QPushButton("Answer")
        self.ask.clicked.connect(self._answer)
        self.result = QLabel("Type values and press Answer to see what the network predicts.")
        self.form.addRow(self.ask, self.result)
        self.setVisible(bool(names))

    def _answer(self) -> None:
        try:
            self.result.setText(self.answer([b.value() for b in self.boxes]))
        except PlaygroundError as e:
            self.result.setText(str(e))
