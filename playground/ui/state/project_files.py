"""File handling for the window: open, save, recent files, unsaved changes, autosave, recovery."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from playground.core.errors import PlaygroundError
from playground.core.project import SUFFIX, Project, load_project, save_project

AUTOSAVE_MS = 3 * 60 * 1000
MAX_RECENT = 8
FILTER = f"Neural Playground projects (*{SUFFIX})"


def app_home() -> Path:
    """Where recovery and recent-file data live (PLAYGROUND_HOME overrides, for tests)."""
    home = os.environ.get("PLAYGROUND_HOME") or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation
    )
    path = Path(home)
    path.mkdir(parents=True, exist_ok=True)
    return path


class ProjectFiles(QObject):
    """Knows the current file and whether it has unsaved changes; reads and writes projects."""

    titleChanged = Signal(str, bool)  # display name, modified
    recentChanged = Signal(list)
    error = Signal(str)
    saved = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        snapshot: Callable[[], Project | None],
        restore: Callable[[Project, Path | None], bool],
    ) -> None:
        """snapshot() gives the project to save (None while it cannot be saved);
        restore(project, path) puts a loaded project into the window."""
        super().__init__(parent)
        self._window = parent
        self._snapshot, self._restore = snapshot, restore
        self.path: Path | None = None
        self.dirty = False
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()

    # --- state ---------------------------------------------------------------------
    @property
    def display_name(self) -> str:
        return self.path.stem if self.path else "Untitled"

    def mark_dirty(self, *_: object) -> None:
        if not self.dirty:
            self.dirty = True
            self._emit_title()

    def _set_clean(self, path: Path | None) -> None:
        self.path, self.dirty = path, False
        self._emit_title()

    def _emit_title(self) -> None:
        self.titleChanged.emit(self.display_name, self.dirty)

    # --- open and save ---------------------------------------------------------------
    def open(self, path: Path) -> bool:
        """Load path into the window; on any problem say so and keep the current work."""
        try:
            project = load_project(path)
        except PlaygroundError as e:
            self.error.emit(f"Could not open {Path(path).name}: {e}")
            return False
        if not self._restore(project, path):
            return False
        self._set_clean(Path(path))
        self._add_recent(Path(path))
        return True

    def open_dialog(self) -> bool:
        if not self.confirm_discard():
            return False
        path, _ = QFileDialog.getOpenFileName(self._window, "Open project", self._folder(), FILTER)
        return bool(path) and self.open(Path(path))

    def save(self) -> bool:
        return self.save_as() if self.path is None else self._write(self.path)

    def save_as(self) -> bool:
        start = str(Path(self._folder()) / f"{self.display_name}{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self._window, "Save project", start, FILTER)
        if not path:
            return False
        path = Path(path)
        return self._write(path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX))

    def _write(self, path: Path) -> bool:
        project = self._snapshot()
        if project is None:
            self.error.emit("Pause or stop training before saving.")
            return False
        try:
            save_project(path, project)
        except PlaygroundError as e:
            self.error.emit(f"{e}. The previous file, if any, is unchanged.")
            return False
        self._set_clean(path)
        self._add_recent(path)
        self.saved.emit(str(path))
        return True

    def new(self, reset: Callable[[], None]) -> None:
        if self.confirm_discard():
            reset()
            self._set_clean(None)

    def confirm_discard(self) -> bool:
        """True when there is nothing unsaved, or the user saved or chose to discard it."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self._window,
            "Unsaved changes",
            f"Save the changes to {self.display_name} first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _folder(self) -> str:
        return str(self.path.parent) if self.path else str(Path.home())

    # --- recent files ------------------------------------------------------------------
    def recent(self) -> list[Path]:
        try:
            names = json.loads((app_home() / "recent.json").read_text(encoding="utf-8"))
            return [Path(n) for n in names if isinstance(n, str)]
        except (OSError, ValueError):
            return []

    def _add_recent(self, path: Path) -> None:
        paths = [path.resolve(), *(p for p in self.recent() if p != path.resolve())]
        try:
            (app_home() / "recent.json").write_text(
                json.dumps([str(p) for p in paths[:MAX_RECENT]]), encoding="utf-8"
            )
        except OSError:
            return  # a missing recent list is no reason to bother the user
        self.recentChanged.emit(paths[:MAX_RECENT])

    # --- autosave and recovery ------------------------------------------------------------
    @staticmethod
    def recovery_path() -> Path:
        return app_home() / f"recovery{SUFFIX}"

    def autosave(self) -> None:
        """Write the unsaved work to the recovery file (quietly skipped while training runs)."""
        if not self.dirty:
            return
        project = self._snapshot()
        if project is None:
            return
        try:
            save_project(self.recovery_path(), project)
        except PlaygroundError as e:
            self.error.emit(f"Autosave failed: {e}")

    def discard_recovery(self) -> None:
        self.recovery_path().unlink(missing_ok=True)

    def offer_recovery(self) -> bool:
        """After a crash: offer the recovery file back; True if it was restored."""
        path = self.recovery_path()
        if not path.exists():
            return False
        when = time.strftime("%d %b %Y %H:%M", time.localtime(path.stat().st_mtime))
        answer = QMessageBox.question(
            self._window,
            "Recover unsaved work?",
            f"Neural Playground did not close properly. Restore the unsaved work autosaved on "
            f"{when}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        restored = False
        if answer == QMessageBox.StandardButton.Yes:
            try:
                restored = self._restore(load_project(path), None)
            except PlaygroundError as e:
                self.error.emit(f"The recovery file could not be read: {e}")
        if restored:
            self.mark_dirty()  # the recovery file stays until the work is saved or discarded
        else:
            self.discard_recovery()
        return restored
