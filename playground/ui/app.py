"""Start the GUI: the one place that sets process-wide options (theme, plots, logging)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

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
    """Show the window and run until it closes. Ctrl-C in the terminal closes the window as its
    close button would, then raises KeyboardInterrupt for the command to end in one line."""
    app = create_app()
    from playground.ui.main_window import MainWindow  # after QApplication: widgets need it

    window = _built_through_ctrl_c(MainWindow)
    try:
        window.show()  # PyTorch loads in the background from here (state/startup.py)
        start_up(window, project)
    except KeyboardInterrupt:  # before the event loop: no thread may outlive the window
        window.close()
        raise
    pressed = _close_on_ctrl_c(window)
    try:
        code = app.exec()
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if pressed.is_set():
        raise KeyboardInterrupt
    return code


def _built_through_ctrl_c(make: type[QMainWindow]) -> QMainWindow:
    """The window, built whole even when Ctrl-C comes meanwhile (the start-up thread begins
    inside: interrupted half-way, nothing could stop it and the interpreter crashed on exit);
    then the window closes, which ends that thread, and KeyboardInterrupt is raised."""
    pressed = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.set())
    try:
        window = make()
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed.is_set():
        window.close()
        raise KeyboardInterrupt
    return window


def _close_on_ctrl_c(window: QMainWindow) -> threading.Event:
    """From here on Ctrl-C closes the window (asking about unsaved work) instead of raising in
    whichever slot runs next, where Qt prints the traceback and carries on. The handler runs
    at the next Python code on the GUI thread: the redraw timer runs some every 50 ms."""
    pressed = threading.Event()

    def on_ctrl_c(signum: int, frame: object) -> None:
        pressed.set()
        QTimer.singleShot(0, window, window.close)  # from the event loop, not mid-slot

    signal.signal(signal.SIGINT, on_ctrl_c)
    return pressed


def start_up(window, project: Path | None) -> None:
    """After the window shows: offer work lost in a crash, then open the project asked for."""
    restored = window.files.offer_recovery()
    if project is not None and not restored:
        window.files.open_path(project)
