"""Classify an image: open, paste, drop or draw one; see the top classes and what drove them."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.imageio import open_image
from playground.core.errors import PlaygroundError
from playground.ui.views.explain_panel import ExplainPanel
from playground.ui.views.pinned_strip import PinnedStrip
from playground.ui.widgets.draw_pad import DrawPad
from playground.ui.widgets.images import array_pixmap, pil_pixmap, saliency_overlay
from playground.ui.widgets.probability_bars import ProbabilityBars
from playground.ui.widgets.scroll import scrolled
from playground.ui.widgets.stranger_note import StrangerNote
from playground.ui.widgets.wide_row import WideRow

if TYPE_CHECKING:
    from playground.core.inspect.inference import Prediction
    from playground.ui.state.explanations import Explanations
    from playground.ui.state.pins import Pins

SIDE = 150  # three pictures side by side fit a 1024-pixel-wide window
WIDE_PX = 1000  # bars and the four maps side by side from this width of the view on
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"


def _picture_box() -> QLabel:
    label = QLabel()
    label.setFixedSize(SIDE, SIDE)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("background: #EEF1F4; border: 1px solid #D8DEE4; color: #5F6B76;")
    return label


class ClassifyView(QWidget):
    classified = Signal(object)  # Prediction

    def __init__(
        self,
        classifier: Callable[[Image.Image], Prediction],
        opener: Callable[[Path], Image.Image] = open_image,
        explanations: Explanations | None = None,
        pins: Pins | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """classifier answers for a picture; opener reads an image file (PlaygroundError if it
        cannot); explanations, when given, show why the network answered so; pins, when
        given, keeps images whose answers follow the training."""
        super().__init__(parent)
        self.classifier, self.opener = classifier, opener
        self.prediction: Prediction | None = None
        self.subject = ""  # the classified image's name
        self.pinned = PinnedStrip(pins) if pins is not None else None
        self.pin = QPushButton("Pin")
        self.pin.setToolTip("Pin this image: its probabilities follow the training live")
        self.pin.clicked.connect(self._pin)
        self.pin.setVisible(pins is not None)
        self.pin.setEnabled(False)
        self.original = _picture_box()
        self.original.setText("Drop an image\non the window")
        self.seen = _picture_box()
        self.seen.setToolTip("The picture after preprocessing: exactly what the network gets")
        self.pad = DrawPad()
        self.pad.drawn.connect(self.classify_image)
        self.show_saliency = QCheckBox("Show saliency (the pixels that drove the answer)")
        self.show_saliency.setChecked(True)
        self.show_saliency.toggled.connect(self._show_seen)
        self.bars = ProbabilityBars()
        self.why = ExplainPanel(explanations) if explanations is not None else None
        self.bars.rowClicked.connect(self._explain_row)
        self.message = QLabel("Open, paste or drop an image, or draw a digit on the pad.")
        self.message.setWordWrap(True)
        self.message.setObjectName("explanation")
        self.stranger = StrangerNote()
        self._build()
        paste = QShortcut(QKeySequence.StandardKey.Paste, self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste)

    def _build(self) -> None:
        open_button = QPushButton("Open image…")
        open_button.clicked.connect(self.open_dialog)
        paste_button = QPushButton("Paste")
        paste_button.clicked.connect(self.paste)
        clear_button = QPushButton("Clear pad")
        clear_button.clicked.connect(self.pad.clear)
        buttons = QHBoxLayout()
        for b in (open_button, paste_button, clear_button, self.pin):
            buttons.addWidget(b)
        buttons.addStretch(1)
        grid = QGridLayout()
        for col, (title, widget) in enumerate(
            (
                ("Your image", self.original),
                ("What the network sees", self.seen),
                ("Draw a digit", self.pad),
            )
        ):
            grid.addWidget(QLabel(title), 0, col)
            grid.addWidget(widget, 1, col)
        grid.setColumnStretch(3, 1)
        # what only pictures are asked with: hidden for a network of numbers (a table, points)
        self.pictures = QWidget()
        pictures = QVBoxLayout(self.pictures)
        pictures.setContentsMargins(0, 0, 0, 0)
        pictures.addLayout(buttons)
        if self.pinned is not None:
            pictures.addWidget(self.pinned)
        pictures.addWidget(self.stranger)  # above the pictures: in sight in a small window
        pictures.addLayout(grid)
        pictures.addWidget(self.show_saliency)
        pictures.addWidget(self.message)
        content = QWidget()
        self.content = layout = QVBoxLayout(content)
        layout.addWidget(self.pictures)
        if self.why is not None:  # the maps beside the bars where the window is wide enough
            layout.addWidget(WideRow(self.bars, self.why, WIDE_PX))
        else:
            layout.addWidget(self.bars)
        layout.addStretch(1)
        # what does not fit a small window (the explanations below the bars) scrolls
        scroll = scrolled(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # --- inputs ---------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Classify an image", "", IMAGE_FILTER)
        if path:
            self.classify_path(Path(path))

    def paste(self) -> None:
        clip = QApplication.clipboard()
        mime = clip.mimeData()  # None while the clipboard holds nothing at all
        urls = [u for u in mime.urls() if u.isLocalFile()] if mime is not None else []
        if urls:
            self.classify_path(Path(urls[0].toLocalFile()))
            return
        qimage = clip.image()
        if qimage.isNull():
            self.show_error("The clipboard holds no image.")
            return
        qimage = qimage.convertToFormat(qimage.Format.Format_RGB888)
        ptr = qimage.constBits()
        a = np.frombuffer(ptr, np.uint8).reshape(qimage.height(), qimage.bytesPerLine())
        rgb = a[:, : qimage.width() * 3].reshape(qimage.height(), qimage.width(), 3)
        self.classify_image(Image.fromarray(rgb.copy(), "RGB"))

    def classify_path(self, path: Path) -> None:
        try:
            img = self.opener(path)
        except PlaygroundError as e:
            self.show_error(str(e))
            return
        self.classify_image(img, path.name)

    def classify_paths(self, paths: list[Path]) -> None:
        """A file dropped on the window (several go to the gallery)."""
        if not paths:
            self.show_error("Only files on this computer can be dropped.")
            return
        self.classify_path(paths[0])

    def classify_image(self, img: Image.Image, name: str = "") -> None:
        self.original.setPixmap(pil_pixmap(img, SIDE))
        try:
            prediction = self.classifier(img)
        except PlaygroundError as e:
            self.show_error(str(e))
            return
        self.show_prediction(img, prediction, name)

    def show_prediction(self, img: Image.Image, prediction: Prediction, name: str = "") -> None:
        """An answer for img, just computed or computed before (a picture of the gallery)."""
        self.original.setPixmap(pil_pixmap(img, SIDE))
        self.prediction = prediction
        self.subject = name or "your image"
        self.pin.setEnabled(True)
        self._show_seen()
        self.bars.set_rows(prediction.top)
        best, p = prediction.top[0]
        subject = name or "The image"
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
        self.message.setText(f"{subject}: the network says {best} ({p:.0%}).")
        self.stranger.show_for(prediction)
        self._explain_row(0)
        self.classified.emit(prediction)

    def _explain_row(self, row: int) -> None:
        if self.why is not None and self.prediction is not None:
            self.why.explain(self.prediction, row)

    def show_error(self, text: str) -> None:
        """Say why there is no answer; no picture or bars of an earlier image stay beside it."""
        self.forget()
        self.original.setText("No image")
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setText(f"<span style='color:#C62828'>{html.escape(text)}</span>")

    def forget(self) -> None:
        """Drop the last answer and the drawing it was for (the network it came from is gone
        or changed)."""
        self.prediction = None
        self.pad.clear()
        self.pin.setEnabled(False)
        self.bars.set_rows([])
        self.stranger.show_for(None)
        if self.why is not None:
            self.why.forget()
        self.seen.clear()
        self.original.clear()
        self.original.setText("Drop an image\non the window")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setText("Open, paste or drop an image, or draw a digit on the pad.")

    def _show_seen(self, *_: object) -> None:
        pred = self.prediction
        if pred is None:
            return
        if self.show_saliency.isChecked():
            picture = saliency_overlay(pred.model_input, pred.saliency)
        else:
            c = pred.model_input
            picture = c[0] if c.shape[0] == 1 else c.transpose(1, 2, 0)
        self.seen.setPixmap(array_pixmap(picture, SIDE))

    def _pin(self) -> None:
        if self.prediction is None or self.pinned is None:
            return
        try:
            self.pinned.pins.add_prediction(self.prediction, self.subject)
        except PlaygroundError as e:
            self.pinned.say(str(e))

    def message_text(self) -> str:
        return self.message.text()
