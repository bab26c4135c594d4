"""Pinned images in the Classify tab: each with its probability bars, live while training."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.errors import PlaygroundError
from playground.ui.state.pins import MAX_PINS, Pin, Pins
from playground.ui.widgets.images import array_pixmap
from playground.ui.widgets.probability_bars import ProbabilityBars
from playground.ui.widgets.spin_boxes import ClampingSpinBox

THUMB = 64
NOTE = (
    f"Pin up to {MAX_PINS} images (a sample, or the image classified above with Pin): their "
    "probabilities follow the training live."
)
TOP = 3  # bars per pinned image


def _percent(p: float) -> str:
    return f"{p:.0%}".replace("%", " %")


def headline(pin: Pin, names: list[str]) -> str:
    """'7: 12 % → 86 %': the followed class's probability when pinned and now."""
    if pin.now is None:
        return "train the network to see its answer"
    c = pin.follow if pin.follow is not None else int(np.argmax(pin.now))
    name = names[c] if c < len(names) else str(c)
    first = pin.first if pin.first is not None else pin.now
    return f"{name}: {_percent(first[c])} → {_percent(pin.now[c])}"


class PinCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.picture = QLabel()
        self.picture.setFixedSize(THUMB, THUMB)
        self.title = QLabel()
        self.title.setObjectName("explanation")
        self.headline = QLabel()
        self.headline.setObjectName("pinHeadline")
        self.headline.setStyleSheet("font-weight: 600;")
        self.unpin = QToolButton()
        self.unpin.setText("✕")
        self.unpin.setToolTip("Unpin this image")
        self.bars = ProbabilityBars(selectable=False)
        words = QHBoxLayout()
        words.setSpacing(12)
        words.addWidget(self.title)
        words.addWidget(self.headline)
        words.addStretch(1)
        words.addWidget(self.unpin)
        right = QVBoxLayout()
        right.setSpacing(0)
        right.addLayout(words)
        right.addWidget(self.bars)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(right, 1)

    def show_pin(self, pin: Pin, names: list[str]) -> None:
        self.picture.setPixmap(array_pixmap(pin.picture, THUMB))
        self.title.setText(pin.title)
        self.headline.setText(headline(pin, names))
        if pin.now is None:
            self.bars.set_rows([])
            return
        order = np.argsort(-pin.now)[:TOP]
        self.bars.set_rows(
            [(names[i] if i < len(names) else str(i), float(pin.now[i])) for i in order]
        )


class PinnedStrip(QWidget):
    """The pin controls (a data-set sample by number) and one card per pinned image."""

    def __init__(self, pins: Pins, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pins = pins
        self.sample = ClampingSpinBox()
        self.sample.setPrefix("sample ")
        self.sample.setRange(0, 0)
        self.pin_sample = QPushButton("Pin sample")
        self.pin_sample.setToolTip("Pin this validation sample: its bars follow the training")
        self.pin_sample.clicked.connect(self._pin_sample)
        self.note = QLabel(NOTE)
        self.note.setWordWrap(True)
        self.note.setObjectName("explanation")
        self.cards = [PinCard() for _ in range(MAX_PINS)]
        controls = QHBoxLayout()
        title = QLabel("Pinned images")
        title.setObjectName("sectionTitle")
        controls.addWidget(title)
        controls.addStretch(1)
        controls.addWidget(self.sample)
        controls.addWidget(self.pin_sample)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.note)
        for i, card in enumerate(self.cards):
            card.unpin.clicked.connect(lambda _=False, i=i: pins.remove(i))
            layout.addWidget(card)
        pins.changed.connect(self._show)
        pins.samplesChanged.connect(self._offer_samples)
        self._offer_samples(pins.samples())
        self._show()

    def _offer_samples(self, count: int) -> None:
        """Samples 0 … count - 1 can be pinned (none: the data set holds no images)."""
        self.sample.setRange(0, max(0, count - 1))
        self.sample.setEnabled(count > 0)
        self.pin_sample.setEnabled(count > 0)

    def _pin_sample(self) -> None:
        try:
            self.pins.add_sample(self.sample.value())
        except PlaygroundError as e:
            self.say(str(e))

    def say(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()

    def _show(self) -> None:
        names = self.pins.class_names()
        if not self.pins.pins:
            self.note.setText(NOTE)
        self.note.setVisible(not self.pins.pins)  # the cards say it once there are some
        for i, card in enumerate(self.cards):
            shown = i < len(self.pins.pins)
            card.setVisible(shown)
            if shown:
                card.show_pin(self.pins.pins[i], names)
