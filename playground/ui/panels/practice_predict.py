"""'Predict, then run': the question and its choices before the network runs; the answer is
locked in, and after the run the panel says whether it was right and why."""

from __future__ import annotations

import textwrap

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.practice.challenge import Prediction

CHOICE_WIDTH = 36  # characters a line of a choice holds


class PredictBox(QGroupBox):
    lockedIn = Signal(int)  # the choice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Predict, then run", parent)
        self.setObjectName("predictBox")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.choices_box = QVBoxLayout()
        self.group = QButtonGroup(self)
        self.lock_button = QPushButton("Lock in my answer")
        self.lock_button.setEnabled(False)
        self.lock_button.clicked.connect(lambda: self.lockedIn.emit(self.group.checkedId()))
        self.group.idClicked.connect(lambda _: self.lock_button.setEnabled(True))
        self.verdict = QLabel()
        self.verdict.setObjectName("explanation")
        self.verdict.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(self.choices_box)
        layout.addWidget(self.lock_button)
        layout.addWidget(self.verdict)
        self.prediction: Prediction | None = None
        self.locked: int | None = None

    def show_prediction(self, prediction: Prediction | None, locked: int | None) -> None:
        """The question and its choices; locked, the choice made (then they cannot change)."""
        self.prediction = prediction
        self.setVisible(prediction is not None)
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.deleteLater()
        if prediction is None:
            return
        self.question.setText(prediction.question)
        for i, text in enumerate(prediction.choices):
            # a radio button does not wrap its text: lines of CHOICE_WIDTH characters keep the
            # panel as narrow as a floating dock on a 1024-pixel screen
            button = QRadioButton(textwrap.fill(text, CHOICE_WIDTH))
            self.group.addButton(button, i)
            self.choices_box.addWidget(button)
        self.lock(locked)

    def lock(self, choice: int | None) -> None:
        self.locked = choice
        for button in self.group.buttons():
            button.setEnabled(choice is None)
        if choice is not None:
            self.group.button(choice).setChecked(True)
            self.verdict.setText("Locked in. Now load the challenge, run it, and check.")
        else:
            self.verdict.setText("Choose an answer before the network runs.")
        self.lock_button.setVisible(choice is None)
        self.lock_button.setEnabled(False)

    def reveal(self) -> None:
        """After the run: right or not, and why."""
        p, choice = self.prediction, self.locked
        if p is None or choice is None:
            return
        right = choice == p.answer
        answer = p.choices[p.answer]
        said = "You predicted it." if right else f"Not quite: the answer is “{answer}”."
        self.verdict.setText(f"{said} {p.explanation}")
