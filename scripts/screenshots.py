"""Make the README's pictures of the window, so that they show the app as it is.

    python scripts/screenshots.py [--out docs/images] [--size 1280x800]

Runs Qt offscreen (no display needed), in a fresh app home (the first-launch card shows, your
settings and recent files stay untouched). It builds the window, picks data and a preset from
the menus, trains for real and grabs the window:

- window.png: the MLP learning the spiral, mid-training, its decision boundary drawn live;
- start.png: the first launch, with the card that says where to start;
- classify.png: an MLP trained on the bundled digits answering a digit drawn on the pad.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's playground, wherever the script is run from

from playground.ui.app import create_app  # noqa: E402
from playground.ui.lesson_runner import bring_forward  # noqa: E402
from playground.ui.main_window import MainWindow  # noqa: E402


def wait_until(condition: Callable[[], bool], timeout: float = 300.0) -> None:
    """Process events until condition() holds; RuntimeError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting after {timeout:.0f} s")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)  # a busy loop would hold the GIL the training thread needs


def open_window(size: tuple[int, int]):
    w = MainWindow()
    w.resize(*size)
    w.show()
    wait_until(w.training.train_button.isEnabled)
    return w


def choose_dataset(w, key: str) -> None:
    ws = w.workspace
    combo = w.training.dataset
    combo.setCurrentIndex(combo.findData(key))
    combo.activated.emit(combo.currentIndex())  # as a click on the entry does
    wait_until(lambda: ws.dataset is not None and ws.dataset.ref.source == key)
    wait_until(lambda: not ws.tasks.running)


def preset(w, key: str) -> None:
    w.findChild(QAction, f"preset-{key}").trigger()


def show_tab(w, attribute: str) -> None:
    bring_forward(getattr(w.views, attribute))


def settle(seconds: float = 0.6) -> None:
    """Let the views' throttled redraws happen before a grab."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def save(w, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not w.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    print(f"wrote {path}")


def start_picture(out: Path, size: tuple[int, int]) -> None:
    w = open_window(size)
    settle()
    save(w, out / "start.png")
    w.start_card.dismissed()  # the pictures that follow show the window in use
    close(w)


def training_picture(out: Path, size: tuple[int, int]) -> None:
    w = open_window(size)
    choose_dataset(w, "spiral")
    preset(w, "mlp")
    w.training.lr.setValue(0.03)
    w.training.epochs.setValue(300)
    show_tab(w, "boundary")
    s = w.workspace.session
    w.training.train_button.click()
    wait_until(lambda: len(s.history.epochs) >= 12, timeout=900)  # seconds on a free CPU
    settle()
    save(w, out / "window.png")
    s.stop()
    wait_until(lambda: not s.busy)
    close(w)


def classify_picture(out: Path, size: tuple[int, int]) -> None:
    w = open_window(size)
    preset(w, "mlp")
    w.training.epochs.setValue(2)
    s = w.workspace.session
    w.training.train_button.click()
    wait_until(lambda: s.state == "trained" and not w.workspace.tasks.running, timeout=300)
    show_tab(w, "classify")
    settle()
    pad = w.classify_view.pad
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(pad, left, Qt.KeyboardModifier.NoModifier, QPoint(60, 30))
    for x, y in [(90, 28), (110, 34), (100, 60), (88, 90), (78, 120), (72, 140)]:
        QTest.mouseMove(pad, QPoint(x, y))  # a 7, stroke by stroke
    QTest.mouseRelease(pad, left, Qt.KeyboardModifier.NoModifier, QPoint(72, 140))
    wait_until(lambda: bool(w.classify_view.bars.rows))
    wait_until(lambda: not w.workspace.tasks.running)
    settle(1.5)
    save(w, out / "classify.png")
    close(w)


def close(w) -> None:
    w.workspace.files.dirty = False
    w.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--size", default="1280x800", help="the window's size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    size = tuple(int(v) for v in args.size.lower().split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PLAYGROUND_HOME"] = tempfile.mkdtemp(prefix="playground-screenshots-")
    create_app()
    start_picture(args.out, size)
    training_picture(args.out, size)
    classify_picture(args.out, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
