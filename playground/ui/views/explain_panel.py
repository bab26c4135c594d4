"""Why this answer: saliency, Grad-CAM, Integrated Gradients and occlusion side by side on the
classified picture, for the top class or the class whose bar was clicked."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.ui.state.explanations import ORDER, Explanations
from playground.ui.widgets.images import pil_pixmap
from playground.ui.widgets.style import MUTED

if TYPE_CHECKING:
    from playground.core.inspect.explain import Explanation
    from playground.core.inspect.inference import Prediction

MIN_SIDE, MAX_SIDE = 100, 260  # four maps side by side fit the 1024-pixel-wide window
HINTS = {
    "saliency": "How much a tiny change of each pixel moves the score (its gradient).",
    "gradcam": "Where the last convolution layer found the features that raise the score.",
    "ig": "Each pixel's share of the score, on the way from a black picture to this one.",
    "occlusion": "How much the score drops when a patch of the picture is covered.",
}
BOX, BORDER = QColor("#EEF1F4"), QColor("#D8DEE4")


class MapPicture(QWidget):
    """A square that fills its column's width: the map scaled to fit, or a word in grey."""

    def __init__(self) -> None:
        super().__init__()
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)
        self.setMaximumWidth(MAX_SIDE)
        self.pixmap: QPixmap | None = None  # at full resolution, scaled when painted
        self.text = ""

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def sizeHint(self) -> QSize:
        return QSize(180, 180)

    def set_image(self, image) -> None:
        self.pixmap, self.text = pil_pixmap(image, MAX_SIDE), ""
        self.update()

    def set_text(self, text: str) -> None:
        self.pixmap, self.text = None, text
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        side = min(self.width(), self.height())
        box = QRect(0, 0, side, side)
        p.fillRect(box, BOX)
        if self.pixmap is not None:
            scaled = self.pixmap.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
            p.drawPixmap(box.center() - scaled.rect().center(), scaled)
        else:
            p.setPen(BORDER)
            p.drawRect(box.adjusted(0, 0, -1, -1))
            p.setPen(MUTED)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.text)
        p.end()


class _Tile:
    """One method's title, map and caption."""

    def __init__(self, title: str, hint: str) -> None:
        self.title = QLabel(f"<b>{title}</b>")
        self.picture = MapPicture()
        self.caption = QLabel()
        self.hint = hint
        for label in (self.title, self.caption):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            label.setMaximumWidth(MAX_SIDE)
            # the columns share the width equally, whatever their texts' lengths
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.caption.setObjectName("explanation")

    def waiting(self) -> None:
        self.picture.set_text("Computing…")
        self.caption.setText("")

    def show_map(self, image, empty: bool) -> None:
        """image: the overlay; empty: the map is zero everywhere (nothing to colour)."""
        self.picture.set_image(image)
        self.caption.setText(
            "Nothing in this picture raises this class's score, by this measure."
            if empty
            else self.hint
        )

    def show_reason(self, reason: str) -> None:
        self.picture.set_text("Not available")
        self.caption.setText(f"<span style='color:#C62828'>{html.escape(reason)}</span>")


class ExplainPanel(QWidget):
    """Hidden until an image is classified; tiles made then (their titles come with torch)."""

    def __init__(self, explanations: Explanations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanations = explanations
        self.prediction: Prediction | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.tiles: dict[str, _Tile] = {}
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(self.grid)
        explanations.started.connect(lambda m: self._tile(m).waiting())
        explanations.ready.connect(self._show)
        explanations.unavailable.connect(lambda m, why: self._tile(m).show_reason(why))
        self.hide()

    def explain(self, prediction: Prediction, row: int) -> None:
        """Explain the class in row of prediction's bars (0: the top class)."""
        index = int(np.argsort(-prediction.probabilities, kind="stable")[row])
        name, p = prediction.top[row]
        self.prediction = prediction
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setText(
            f"<b>Why “{html.escape(name)}” ({p:.0%})?</b> The pixels that drove its score, "
            "four ways. Click another bar to explain that class."
        )
        self._make_tiles()
        for tile in self.tiles.values():  # no map of the picture before stays beside this one
            tile.waiting()
        self.show()
        self.explanations.request(prediction.model_input, index)

    def forget(self) -> None:
        self.explanations.cancel()
        self.prediction = None
        self.hide()

    def captions(self) -> dict[str, str]:
        """Each tile's caption as plain text (what a person reads under the map)."""
        return {m: t.caption.text() for m, t in self.tiles.items()}

    def _make_tiles(self) -> None:
        if self.tiles:
            return
        from playground.core.inspect.explain import METHODS

        for col, method in enumerate(ORDER):
            tile = self.tiles[method] = _Tile(METHODS[method][0], HINTS[method])
            tile.picture.setToolTip(HINTS[method])
            self.grid.addWidget(tile.title, 0, col)
            self.grid.addWidget(tile.picture, 1, col, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(tile.caption, 2, col)
            self.grid.setColumnStretch(col, 1)

    def _tile(self, method: str) -> _Tile:
        self._make_tiles()
        return self.tiles[method]

    def _show(self, method: str, explanation: Explanation) -> None:
        from playground.core.inspect.heatmap import overlay

        if self.prediction is None:
            return
        heat = explanation.heatmap
        self._tile(method).show_map(overlay(self.prediction.model_input, heat), not heat.any())
