"""The warning under an answer for an image unlike anything the network was trained on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from playground.core.inspect.inference import Prediction

STYLE = (
    "QLabel { background: #FFF4E0; border: 1px solid #E8B96A; border-radius: 6px; "
    "color: #7A4A00; padding: 6px 8px; }"
)


class StrangerNote(QLabel):
    """Hidden unless the last answer came for a stranger; then says how little it means."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(STYLE)
        self.hide()

    def show_for(self, prediction: Prediction | None) -> None:
        if prediction is not None and prediction.unchecked:
            self.setText(f"ⓘ  {prediction.unchecked}")
            self.setToolTip("")
            self.show()
            return
        if prediction is None or not prediction.stranger:
            self.hide()
            return
        self.setText(f"⚠  {prediction.warning}")
        self.setToolTip(
            f"Strangeness {prediction.strangeness:.1f}: the network's energy score on this image, "
            "where 0 is a typical validation sample and 1 the level 99 % of them stay under"
        )
        self.show()
