"""Launch time in a fresh process: `python -m playground.bench.launch STARTED` prints the
seconds from STARTED (a time.time()) to the window shown, and to Train enabled."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer

from playground.ui.app import create_app


def main(started: float) -> None:
    app = create_app()
    from playground.ui.main_window import MainWindow  # after QApplication: widgets need it

    window = MainWindow()
    window.show()
    app.processEvents()
    window.repaint()
    shown = time.time() - started

    def check() -> None:
        if window.training.train_button.isEnabled():
            print(shown, time.time() - started)
            app.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(5)
    app.exec()
    window.workspace.files.dirty = False
    window.close()


if __name__ == "__main__":
    main(float(sys.argv[1]))
