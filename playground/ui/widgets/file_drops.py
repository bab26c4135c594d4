"""Files dropped from the desktop onto a widget."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint


class FileDropTarget:
    """Mixin (before the Qt class) for a widget that takes files dropped on it: it accepts
    drags that carry file URLs and hands a drop's local files to files_dropped."""

    def files_dropped(self, paths: list[Path], pos: QPoint) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        event.acceptProposedAction()
        urls = event.mimeData().urls()
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        self.files_dropped(paths, event.position().toPoint())
