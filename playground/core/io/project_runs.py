"""Adding runs to a project file that other processes may be adding to at the same time (the
trials of a sweep run by several processes): read, append and write under a lock file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playground.core.io.project import Project, load_project, save_project
from playground.core.limits import MAX_RUNS
from playground.core.training.runs import Run


def add_runs(path: str | Path, runs: list[Run], new: Project) -> Project:
    """Append runs to the project at path (new, its first content, if there is none yet),
    keeping the last MAX_RUNS; returns the project as written."""
    path = Path(path)
    with _locked(path):
        project = load_project(path) if path.is_file() else new
        project.runs = [*project.runs, *runs][-MAX_RUNS:]
        save_project(path, project)
    return project


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file beside path (an advisory lock, which every process of
    this program takes; where the system has none, no lock)."""
    try:
        import fcntl
    except ImportError:  # Windows: one process at a time is the user's to arrange
        yield
        return
    lock = path.with_name(f".{path.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
