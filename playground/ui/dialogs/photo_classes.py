"""Classes of your own photos, Teachable Machine's way: name classes, drop or open photos onto
each (they are copied into a folder the project owns), browse and remove them, then train on
them with the pretrained network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from playground.core.data.photo_classes import PhotoClasses
from playground.core.data.preview import THUMB_SIDE, thumbnails
from playground.core.errors import DatasetError
from playground.ui.state.tasks import TaskRunner, checked, stateless
from playground.ui.widgets.file_drops import FileDropTarget
from playground.ui.widgets.images import array_pixmap

PATH_ROLE = Qt.ItemDataRole.UserRole
PHOTO_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp)"


class DropList(FileDropTarget, QListWidget):
    """A list that takes image files dropped on it: dropped(paths, row under the drop)."""

    dropped = Signal(list, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    def files_dropped(self, paths: list[Path], pos: QPoint) -> None:
        self.dropped.emit(paths, self.row(self.itemAt(pos)))


class PhotoClassesDialog(QDialog):
    """The classes on the left, the selected class's photos on the right."""

    def __init__(
        self,
        classes: PhotoClasses,
        tasks: TaskRunner,
        use: Callable[[Path], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Classes of your photos")
        self.classes, self.tasks, self._use = classes, tasks, use
        self.class_list = DropList()
        self.class_list.setMaximumWidth(220)
        self.photo_list = DropList()
        self.photo_list.setViewMode(QListView.ViewMode.IconMode)
        self.photo_list.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.photo_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.photo_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.photo_list.setSpacing(4)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Class name")
        self.add_class = QPushButton("Add class")
        self.remove_class = QPushButton("Remove class")
        self.add_photos = QPushButton("Add photos…")
        self.remove_photos = QPushButton("Remove selected photos")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.train = QPushButton("Train on these classes")
        self.train.setDefault(True)
        self.close_button = QPushButton("Close")
        self._lay_out()
        self._wire()
        self._show_classes()

    def _lay_out(self) -> None:
        hint = QLabel(
            f"Drop photos on a class or on its pictures. They are copied into {self.classes.root}."
        )
        hint.setWordWrap(True)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.add_class)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.add_photos)
        photo_row.addWidget(self.remove_photos)
        photo_row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.train)
        bottom.addWidget(self.close_button)
        grid = QGridLayout(self)
        grid.addWidget(hint, 0, 0, 1, 2)
        grid.addWidget(self.class_list, 1, 0)
        grid.addWidget(self.photo_list, 1, 1)
        grid.addLayout(name_row, 2, 0)
        grid.addLayout(photo_row, 2, 1)
        grid.addWidget(self.remove_class, 3, 0)
        grid.addLayout(bottom, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        self.resize(760, 520)

    def _wire(self) -> None:
        self.add_class.clicked.connect(self._add_class)
        self.name.returnPressed.connect(self._add_class)
        self.remove_class.clicked.connect(self._remove_class)
        self.add_photos.clicked.connect(self._open_photos)
        self.remove_photos.clicked.connect(self._remove_photos)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.photo_list)
        delete.activated.connect(self._remove_photos)
        self.class_list.currentRowChanged.connect(lambda _: self._show_photos())
        self.photo_list.itemSelectionChanged.connect(self._update_buttons)
        self.class_list.dropped.connect(self._dropped_on_class)
        self.photo_list.dropped.connect(lambda paths, _: self._copy(self.current(), paths))
        self.train.clicked.connect(lambda: self._use(self.classes.root))
        self.close_button.clicked.connect(self.close)

    # --- classes ----------------------------------------------------------------------
    def current(self) -> str:
        item = self.class_list.currentItem()
        return item.data(PATH_ROLE) if item is not None else ""

    def _show_classes(self, select: str = "") -> None:
        select = select or self.current()
        self.class_list.blockSignals(True)
        self.class_list.clear()
        for name in self.classes.names():
            item = QListWidgetItem(f"{name}  ({len(self.classes.photos(name))})")
            item.setData(PATH_ROLE, name)
            self.class_list.addItem(item)
            if name == select:
                self.class_list.setCurrentItem(item)
        if self.class_list.currentRow() < 0 and self.class_list.count():
            self.class_list.setCurrentRow(0)
        self.class_list.blockSignals(False)
        self._show_photos()

    def _add_class(self) -> None:
        try:
            name = self.classes.add_class(self.name.text())
        except (DatasetError, OSError) as e:
            self.message.setText(f"Cannot add the class: {e}")
            return
        self.name.clear()
        self._show_classes(name)

    def _remove_class(self) -> None:
        if self.current():
            self.classes.remove_class(self.current())
            self._show_classes()

    # --- photos -----------------------------------------------------------------------
    def _dropped_on_class(self, paths: list[Path], row: int) -> None:
        if row >= 0:
            self.class_list.setCurrentRow(row)
        self._copy(self.current(), paths)

    def _open_photos(self) -> None:
        if not self.current():
            self.message.setText("Add a class first, then its photos.")
            return
        paths, _ = QFileDialog.getOpenFileNames(
            self, f"Photos of {self.current()}", "", PHOTO_FILTER
        )
        self._copy(self.current(), [Path(p) for p in paths])

    def _copy(self, name: str, paths: list[Path]) -> None:
        if not name:
            self.message.setText("Add a class first, then drop its photos on it.")
            return
        if paths:
            add = stateless(self.classes.add_photos)
            task = self.tasks.start(f"Copying photos into {name}", add, name, paths)
            task.done.connect(lambda result: self._copied(name, *result))
            task.failed.connect(lambda e: self.message.setText(f"Could not copy: {e}"))

    def _copied(self, name: str, added: list[Path], skipped: list[str]) -> None:
        n = len(added)
        text = f"Added {n} photo{'s' * (n != 1)} to {name}."
        if skipped:
            text += f" Left out {len(skipped)}: " + "; ".join(skipped[:2])
        self.message.setText(text)
        self._show_classes(name)

    def _show_photos(self) -> None:
        self.photo_list.clear()
        name = self.current()
        paths = self.classes.photos(name) if name else []
        for path in paths:
            item = QListWidgetItem(path.name)
            item.setData(PATH_ROLE, str(path))
            item.setSizeHint(QSize(THUMB_SIDE + 12, THUMB_SIDE + 28))
            self.photo_list.addItem(item)
        self._update_buttons()
        if paths:
            task = self.tasks.start(f"Pictures of {name}", checked(thumbnails), paths)
            task.done.connect(self._show_thumbnails)

    def _show_thumbnails(self, pictures: list[tuple[Path, object]]) -> None:
        icons = {str(p): a for p, a in pictures if a is not None}
        for i in range(self.photo_list.count()):
            item = self.photo_list.item(i)
            picture = icons.get(item.data(PATH_ROLE))
            if picture is not None:
                item.setIcon(QIcon(array_pixmap(picture / 255.0, THUMB_SIDE, smooth=True)))

    def _remove_photos(self) -> None:
        for item in self.photo_list.selectedItems():
            self.classes.remove_photo(Path(item.data(PATH_ROLE)))
        self._show_classes()

    def _update_buttons(self) -> None:
        """Train needs two classes with photos; say what is missing."""
        counts = [len(self.classes.photos(n)) for n in self.classes.names()]
        if not counts:
            self.message.setText(
                "Make a class for each kind of thing to tell apart: type its name, e.g. cat, "
                "and press Add class. Then give each class a few photos (ten or more is good)."
            )
        ready = len(counts) >= 2 and min(counts) >= 2
        self.train.setEnabled(ready)
        self.remove_class.setEnabled(bool(self.current()))
        self.remove_photos.setEnabled(bool(self.photo_list.selectedItems()))
        self.train.setToolTip(
            "" if ready else "Make at least two classes with two photos or more in each"
        )

    def photo_names(self) -> list[str]:
        """The photos of the selected class, as the pictures are captioned."""
        return [self.photo_list.item(i).text() for i in range(self.photo_list.count())]
