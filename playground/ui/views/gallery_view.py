"""The gallery: many images classified at once, as thumbnails with their top class and
confidence; sorted as chosen; a click shows one's details in the Classify view."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.ui.views.classify_view import IMAGE_FILTER
from playground.ui.widgets.images import array_pixmap

if TYPE_CHECKING:
    from playground.core.inspect.gallery import Classified
    from playground.ui.state.gallery import Gallery

ICON = 112
ORDER_NAMES = [
    ("Top class", "class"),
    ("Confidence, highest first", "confidence"),
    ("Strangest first", "strangeness"),
    ("File name", "name"),
]
HINT = "Drop several images on the window, or open them here: each is classified."
STRANGER = QColor("#9A5B00")
FAILED = QColor("#C62828")


class GalleryView(QWidget):
    picked = Signal(object)  # Classified: clicked, to be shown in detail

    def __init__(self, gallery: Gallery, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gallery = gallery
        self.summary = QLabel(HINT)
        self.summary.setObjectName("explanation")
        self.summary.setWordWrap(True)
        self.order = QComboBox()
        for text, key in ORDER_NAMES:
            self.order.addItem(text, key)
        self.order.activated.connect(self._show)
        open_button = QPushButton("Open images…")
        open_button.clicked.connect(self.open_dialog)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(ICON, ICON))
        self.list.setGridSize(QSize(ICON + 28, ICON + 52))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(True)
        self.list.itemClicked.connect(self._clicked)
        top = QHBoxLayout()
        top.addWidget(open_button)
        top.addWidget(QLabel("Sort by"))
        top.addWidget(self.order)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        gallery.started.connect(self._started)
        gallery.changed.connect(self._show)
        gallery.failed.connect(self._failed)

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Classify images", "", IMAGE_FILTER)
        if paths:
            self.gallery.classify([Path(p) for p in paths])

    def _started(self, count: int) -> None:
        self.list.clear()
        self._say(f"Classifying {count} images…")

    def _failed(self, text: str) -> None:
        self.list.clear()
        self._say(text, error=True)

    def _show(self, *_: object) -> None:
        from playground.core.inspect.gallery import ordered

        results = self.gallery.results
        self.list.clear()
        if not results:
            self._say(HINT)
            return
        for r in ordered(results, self.order.currentData()):
            self.list.addItem(_item(r))
        strangers = sum(1 for r in results if r.prediction and r.prediction.stranger)
        failed = sum(1 for r in results if r.prediction is None)
        parts = [f"{len(results)} images"]
        if strangers:
            parts.append(
                f"{strangers} look nothing like the training data (⚠): their answers mean little"
            )
        if failed:
            parts.append(f"{failed} could not be read (✗)")
        self._say(" · ".join(parts) + ". Click one for its details.")

    def _say(self, text: str, error: bool = False) -> None:
        self.summary.setStyleSheet("color: #C62828;" if error else "")
        self.summary.setText(text)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))

    def captions(self) -> list[str]:
        """The items' captions as shown, in order."""
        return [self.list.item(i).text() for i in range(self.list.count())]


def _item(r: Classified) -> QListWidgetItem:
    """A thumbnail captioned with the top class and confidence (or why there is none)."""
    item = QListWidgetItem()
    item.setData(Qt.ItemDataRole.UserRole, r)
    name = r.path.name
    if r.prediction is None:
        item.setText(f"✗ {name}")
        item.setToolTip(f"{name}: {r.error}")
        item.setForeground(QBrush(FAILED))
        return item
    item.setIcon(QIcon(array_pixmap(r.thumbnail / 255.0, ICON, smooth=True)))
    best, p = r.prediction.top[0]
    stranger = r.prediction.stranger
    item.setText(f"{'⚠ ' if stranger else ''}{best} · {p:.0%}\n{name}")
    tip = f"{name}: {best} ({p:.0%})"
    item.setToolTip(f"{tip}\n{r.prediction.warning}" if stranger else tip)
    if stranger:
        item.setForeground(QBrush(STRANGER))
    return item
