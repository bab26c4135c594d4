"""The window's fluidity while a sweep runs: `python -m playground.bench.sweep TRIALS
[SAMPLES EPOCHS]` opens the window on a toy set, runs a study of TRIALS trials from it as
Training ▸ Sweep… does (in worker processes, behind the window), and prints the 10 ms
timer's lateness and the sweep's time as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from playground.bench.gui import LatenessProbe
from playground.core.data.ref import DatasetRef
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.sweep import SweepPlan
from playground.core.training.sweep_space import parse_param
from playground.ui.app import create_app

SETTLE_MS = 1000  # the window's first paints are not the sweep's


def sweep_lateness(trials: int, samples: int = 1000, epochs: int = 3) -> dict:
    """The lateness while trials trials (each epochs epochs on samples circle points) run."""
    create_app()
    from playground.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow()
        window.show()
        ws = window.workspace
        ws.finish_startup()
        ws.loader.wait()
        data = DatasetRef("circle", {"samples": samples})
        _wait(ws.choose_dataset(data))
        _wait(None, SETTLE_MS)
        spec = preset("mlp", (2,), 2)
        params = (parse_param("lr=1e-3..3e-1:log"),)
        storage = f"sqlite:///{Path(tmp) / 'bench.db'}"
        plan = SweepPlan(spec, data, TrainConfig(epochs=epochs), params, storage, "bench", trials)
        errors: list[str] = []
        ended: list[object] = []  # each trial's result, as the window hears it
        sweeps = window.views.sweep.sweeps
        sweeps.failed.connect(errors.append)
        sweeps.trialEnded.connect(ended.append)
        probe = LatenessProbe()
        probe.start()
        started = time.perf_counter()
        _wait(sweeps.start(plan, 1))
        seconds = time.perf_counter() - started
        probe.stop()
        sweeps.stop_watching()
        ws.files.dirty = False
        window.close()
    if errors:
        raise RuntimeError(errors[0])
    return {"trials": len(ended), "sweep_s": seconds, "lateness": probe.summary()}


def _wait(task, ms: int = 0) -> None:
    """Run the event loop until task has ended (or for ms when there is none)."""
    loop = QEventLoop()
    if task is None:
        QTimer.singleShot(ms, loop.quit)
    else:
        task.ended.connect(loop.quit)
    loop.exec()


if __name__ == "__main__":
    print(json.dumps(sweep_lateness(*map(int, sys.argv[1:]))))
