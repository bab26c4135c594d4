"""Which file the work belongs to: its path, unsaved changes, recent files, the recovery file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Signal

from playground.core.io.project import SUFFIX

MAX_RECENT = 8


def app_home() -> Path:
    """Where recovery, recent-file and log data live (PLAYGROUND_HOME overrides, for tests)."""
    home = os.environ.get("PLAYGROUND_HOME") or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation
    )
    path = Path(home)
    path.mkdir(parents=True, exist_ok=True)
    return path


def app_settings() -> QSettings:
    """The app's remembered choices, in its home (so that tests, with a home each, start
    afresh)."""
    return QSettings(str(app_home() / "settings.ini"), QSettings.Format.IniFormat)


def recovery_path() -> Path:
    return app_home() / f"recovery{SUFFIX}"


class ProjectFiles(QObject):
    """The current file's name and whether the work differs from it."""

    titleChanged = Signal(str, bool)  # display name, modified
    recentChanged = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.dirty = False

    @property
    def display_name(self) -> str:
        return self.path.stem if self.path else "Untitled"

    def folder(self) -> str:
        return str(self.path.parent) if self.path else str(Path.home())

    def mark_dirty(self, *_: object) -> None:
        if not self.dirty:
            self.dirty = True
            self.titleChanged.emit(self.display_name, True)

    def set_clean(self, path: Path | None) -> None:
        """The work now equals the file at path (None: a new, unsaved project)."""
        self.path, self.dirty = path, False
        self.titleChanged.emit(self.display_name, False)
        if path is not None:
            self._add_recent(path)

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
