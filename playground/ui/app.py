"""Start the GUI."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from playground.ui.widgets.theme import apply_theme


def create_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Neural Playground")
    app.setOrganizationName("Neural Playground")
    apply_theme(app)
    return app


def run_app(project: Path | None = None) -> int:
    app = create_app()
    from playground.ui.main_window import MainWindow  # after QApplication: widgets need it

    window = MainWindow()
    window.show()  # PyTorch loads in the background from here (startup.py)
    start_up(window, project)
    return app.exec()


def start_up(window, project: Path | None) -> None:
    """After the window shows: offer work lost in a crash, then open the project asked for."""
    restored = window.files.offer_recovery()
    if project is not None and not restored:
        window.open_project(project)
