"""Start the GUI: the one place that sets process-wide options (theme, plots, logging)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from playground.ui.logs import start_logging
from playground.ui.widgets.theme import apply_theme


def create_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Neural Playground")
    app.setOrganizationName("Neural Playground")
    # Arrays are (row, column) like numpy's; antialiasing costs the live plots' frame time.
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)
    apply_theme(app)
    start_logging()
    return app


def run_app(project: Path | None = None) -> int:
    app = create_app()
    from playground.ui.main_window import MainWindow  # after QApplication: widgets need it

    window = MainWindow()
    window.show()  # PyTorch loads in the background from here (state/startup.py)
    start_up(window, project)
    return app.exec()


def start_up(window, project: Path | None) -> None:
    """After the window shows: offer work lost in a crash, then open the project asked for."""
    restored = window.files.offer_recovery()
    if project is not None and not restored:
        window.files.open_path(project)
