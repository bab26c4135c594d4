"""Errors in full go to a log file in the user's data folder; the window shows one line."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from playground.ui.state.project_files import app_home

MAX_BYTES = 1 << 20


def log_path() -> Path:
    return app_home() / "playground.log"


def start_logging() -> None:
    """Send warnings and errors, with their tracebacks, to the log file (once, at start-up)."""
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    try:
        handler = logging.handlers.RotatingFileHandler(
            log_path(), maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8"
        )
    except OSError:
        return  # no writable data folder: errors still reach the window
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, logging.WARNING))
