"""The File menu's conversations: unsaved-changes questions and file choosers, then the
workspace does the work. Saving is a task, so what follows a save (closing, opening another
file) waits for it to succeed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from playground.core.io.export_formats import FORMATS
from playground.core.io.project import SUFFIX
from playground.ui.state.project_files import recovery_path
from playground.ui.state.workspace import Workspace

FILTER = f"Neural Playground projects (*{SUFFIX})"
Button = QMessageBox.StandardButton


class FileCommands:
    def __init__(self, window: QWidget, workspace: Workspace) -> None:
        self.window, self.ws = window, workspace

    def ask_to_save(self) -> str:
        """'save', 'discard' or 'cancel': the person's answer about unsaved changes."""
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to {self.ws.files.display_name} first?",
            Button.Save | Button.Discard | Button.Cancel,
            Button.Save,
        )
        return {Button.Save: "save", Button.Discard: "discard"}.get(answer, "cancel")

    def confirm_discard(self, then: Callable[[], None]) -> None:
        """then() once nothing unsaved would be lost: unchanged, saved, or discarded."""
        answer = self.ask_to_save() if self.ws.files.dirty else "discard"
        if answer == "save":
            self.save(then)
        elif answer == "discard":
            then()

    def new(self) -> None:
        self.confirm_discard(self.ws.new)

    def open_dialog(self) -> None:
        def pick() -> None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Open project", self.ws.files.folder(), FILTER
            )
            if path:
                self.ws.open(Path(path))

        self.confirm_discard(pick)

    def open_path(self, path: Path) -> None:
        self.confirm_discard(lambda: self.ws.open(Path(path)))

    def save(self, then: Callable[[], None] | None = None) -> None:
        path = self.ws.files.path
        if path is None:
            self.save_as(then)
        else:
            self.ws.save(path, then)

    def save_as(self, then: Callable[[], None] | None = None) -> None:
        start = str(Path(self.ws.files.folder()) / f"{self.ws.files.display_name}{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project", start, FILTER)
        if path:
            path = Path(path)
            if path.suffix != SUFFIX:
                path = path.with_name(path.name + SUFFIX)
            self.ws.save(path, then)

    def export(self, key: str) -> None:
        fmt = FORMATS[key]
        start = str(Path(self.ws.files.folder()) / f"{self.ws.files.display_name}{fmt.suffix}")
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export {fmt.title}", start, fmt.file_filter
        )
        if path:
            self.ws.export(key, Path(path))

    def offer_recovery(self) -> bool:
        """After a crash: offer the recovery file back; True if its opening started."""
        path = recovery_path()
        if not path.exists():
            return False
        when = time.strftime("%d %b %Y %H:%M", time.localtime(path.stat().st_mtime))
        answer = QMessageBox.question(
            self.window,
            "Recover unsaved work?",
            "Neural Playground did not close properly. Restore the unsaved work autosaved on "
            f"{when}?",
            Button.Yes | Button.No,
            Button.Yes,
        )
        if answer != Button.Yes:
            self.ws.discard_recovery()
            return False
        self.ws.open(None, recovered=True)
        return True
