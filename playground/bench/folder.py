"""The window's fluidity while an image folder loads: `python -m playground.bench.folder N`
writes N small photos in classes to a temporary folder, opens the window, loads the folder as a
person would choose it, and prints the 10 ms timer's lateness and the load time as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QEventLoop, QTimer

from playground.bench.gui import LatenessProbe
from playground.core.data.ref import DatasetRef
from playground.ui.app import create_app

CLASSES = 10


def write_folder(root: Path, images: int) -> None:
    """images photos (64×64 RGB noise over a class colour, PNG) in CLASSES sub-folders."""
    rng = np.random.default_rng(0)
    for i in range(images):
        folder = root / f"class{i % CLASSES}"
        folder.mkdir(parents=True, exist_ok=True)
        base = np.array([25 * (i % CLASSES), 128, 255 - 25 * (i % CLASSES)], np.int16)
        pixels = np.clip(base + rng.integers(-40, 40, (64, 64, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"{i}.png")


def folder_load(images: int) -> dict:
    create_app()
    from playground.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        write_folder(Path(tmp), images)
        window = MainWindow()
        window.show()
        window.workspace.finish_startup()
        window.workspace.loader.wait()
        settle = QEventLoop()
        QTimer.singleShot(1000, settle.quit)  # the window's first paints are not the load's
        settle.exec()
        probe = LatenessProbe()
        loop = QEventLoop()
        errors: list[str] = []
        window.workspace.error.connect(errors.append)
        probe.start()
        started = time.perf_counter()
        task = window.workspace.choose_dataset(DatasetRef(tmp))
        task.ended.connect(loop.quit)  # after the data set is in place, or it failed
        loop.exec()
        seconds = time.perf_counter() - started
        probe.stop()
        if errors:
            raise RuntimeError(errors[0])
        loaded = len(window.workspace.dataset.x_train) + len(window.workspace.dataset.x_val)
        window.workspace.files.dirty = False
        window.close()
    return {"images": loaded, "load_s": seconds, "lateness": probe.summary()}


if __name__ == "__main__":
    print(json.dumps(folder_load(int(sys.argv[1]))))
