"""The image folder's classes before it loads: each with its count and first pictures."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.preview import THUMB_SIDE, THUMBNAILS, ClassPreview
from playground.ui.widgets.dialog_buttons import load_buttons
from playground.ui.widgets.images import array_pixmap
from playground.ui.widgets.scroll import scrolled


class FolderPreviewDialog(QDialog):
    """Load or Cancel, having seen what the folder holds."""

    def __init__(
        self, root: Path, classes: list[ClassPreview], loads_as: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add image folder: {root.name}")
        total = sum(c.count for c in classes)
        self.summary = QLabel(
            f"{root}\n{len(classes)} classes, {total:,} images, to load {loads_as}. "
            "Unreadable files are listed and left out."
        )
        self.summary.setWordWrap(True)
        self.rows = QWidget()
        grid = QGridLayout(self.rows)
        grid.setColumnStretch(THUMBNAILS + 1, 1)
        for row, c in enumerate(classes):
            name = QLabel(f"<b>{c.name}</b><br>{c.count:,} image{'s' * (c.count != 1)}")
            name.setObjectName(f"class-{c.name}")
            grid.addWidget(name, row, 0)
            for col, picture in enumerate(c.thumbnails, start=1):
                thumb = QLabel()
                thumb.setPixmap(array_pixmap(picture / 255.0, THUMB_SIDE, smooth=True))
                thumb.setFixedSize(THUMB_SIDE, THUMB_SIDE)
                thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(thumb, row, col)
        scroll = scrolled(self.rows)
        self.buttons, self.load = load_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        side = 140 + THUMBNAILS * (THUMB_SIDE + 8)
        self.resize(side, min(560, 110 + len(classes) * (THUMB_SIDE + 8)))

    def class_texts(self) -> list[str]:
        """Each class's name and count, as the dialog shows them."""
        labels = self.rows.findChildren(QLabel)
        return [
            label.text().replace("<b>", "").replace("</b><br>", ": ")
            for label in labels
            if label.objectName().startswith("class-")
        ]
