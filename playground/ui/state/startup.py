"""Loads PyTorch and the first data set off the GUI thread, while the window is already up.

Importing torch takes one to two seconds on a small machine, more than the whole rest of the
start. The window is built from core modules that do not need torch (the layer catalog, specs,
shapes, presets, settings), so it opens first and a person can look around and design a network
while this thread loads what training needs.
"""

from __future__ import annotations

import gc
import importlib
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

from playground.core.data.ref import DatasetRef
from playground.core.errors import PlaygroundError
from playground.core.io.project import sweep_temporaries
from playground.ui.state.project_files import app_home

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset

# What the first click on Train, Open or a drop would otherwise import on the GUI thread.
PRELOAD = (
    "playground.core.training.trainer",
    "playground.core.inspect.inference",
    "playground.core.io.project",
    "playground.ui.state.worker",
)


class StartupLoader(QThread):
    """Imports torch and the training modules, then loads one data set."""

    loaded = Signal()  # result() is ready; emitted from run(), so it arrives queued

    def __init__(self, ref: DatasetRef, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startup")
        self.ref = ref
        self._home = app_home()
        self._result: Dataset | str = "not loaded"
        self._ready = threading.Event()

    def run(self) -> None:
        try:
            from playground.core.training.device import set_torch_threads

            set_torch_threads(1)  # this thread's own torch work stays serial, as the GUI's
            for name in PRELOAD:
                importlib.import_module(name)
            from playground.core.data.registry import load_dataset

            self._result = load_dataset(self.ref)
            sweep_temporaries(self._home)  # of autosaves killed mid-write
        except PlaygroundError as e:
            self._result = str(e)
        except Exception as e:  # a broken torch install: said in the window, not a dead thread
            self._result = f"PyTorch could not be loaded: {type(e).__name__}: {e}"
        self._ready.set()
        self.loaded.emit()
        if not isinstance(self._result, str):
            from playground.core.training.device import warm_up

            warm_up()
        # Start-up leaves ~340k long-lived objects (torch, Qt, pyqtgraph); a full collection
        # walks them all in ~120 ms holding the GIL, a stall of both the window and training.
        # Frozen, they are skipped (still freed by reference counting), and a full
        # collection walks only what was made since (17-65 ms measured after a new window).
        gc.freeze()

    def result(self) -> Dataset | str:
        """The data set, or the reason it could not be loaded; waits for it if need be."""
        self._ready.wait()
        return self._result
