"""Benchmark pieces that need the GUI: training inside the window, event-loop lateness,
launch time and drop-to-bars latency."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from playground.bench.loops import Case, bare_loop, trainer_alone
from playground.core.data.registry import load_dataset
from playground.core.training.config import TrainConfig
from playground.core.training.device import TRAINING_THREADS, pick_device, set_torch_threads
from playground.ui.app import create_app
from playground.ui.widgets.theme import style_window

TICK_MS = 10


class LatenessProbe:
    """A 10 ms timer on the GUI thread; records how late each tick fires."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.samples.append(max(0.0, (now - self._last) * 1000 - TICK_MS))
        self._last = now

    def summary(self) -> dict[str, float]:
        a = np.array(self.samples or [0.0])
        return {
            "p50_ms": float(np.percentile(a, 50)),
            "p99_ms": float(np.percentile(a, 99)),
            "max_ms": float(a.max()),
        }


def open_all_views(window) -> QWidget:
    """Every live view on screen at once, in one dashboard window beside the main window."""
    views = window.views
    dashboard = QWidget()
    style_window(dashboard)  # the views keep the look they have in the window
    grid = QGridLayout(dashboard)
    for i, view in enumerate(
        (
            views.curves,
            views.weights,
            views.filters,
            views.feature_maps,
            views.boundary,
            views.confusion,
            views.gradients,
        )
    ):
        grid.addWidget(view, i // 4, i % 4)
        view.show()  # a page taken out of a QTabWidget stays hidden
    dashboard.resize(1600, 900)
    dashboard.show()
    return dashboard


def training_window(case: Case, config: TrainConfig) -> tuple[QWidget, QWidget]:
    """The main window, loaded, with case's network, and every live view open beside it in a
    dashboard."""
    from playground.ui.main_window import MainWindow

    create_app()
    window = MainWindow()
    window.show()
    window.workspace.finish_startup()
    window.workspace.loader.wait()  # its warm-up too, as after a person has looked around
    dashboard = open_all_views(window)
    window.workspace.document.replace_layers(case.spec, "bench")
    window.workspace.set_config(replace(config, epochs=case.epochs))
    window.workspace.session.want(sample=window.views.feature_maps.sample)
    return window, dashboard


def neuron_window(window) -> QWidget:
    """The neuron view in a window of its own, beside the dashboard, hidden until shown."""
    holder = QWidget()
    style_window(holder)
    QVBoxLayout(holder).addWidget(window.views.neurons)
    holder.resize(900, 600)
    return holder


def train_with_neurons(window, holder: QWidget) -> tuple[float, float]:
    """train_in_gui with the neuron view on screen too, its probes computed at every snapshot."""
    holder.show()
    window.workspace.session.want(neurons=True)
    try:
        return train_in_gui(window)
    finally:
        window.workspace.session.want(neurons=False)
        holder.hide()


def train_in_gui(window) -> tuple[float, float]:
    """One press of Train (case.epochs more epochs) in window: its samples per second, and the
    share of a core the GUI thread used between the first and the last step reported."""
    marks: list[tuple[float, float]] = []

    def mark(_step) -> None:
        marks.append((time.perf_counter(), time.thread_time()))

    loop = QEventLoop()
    session = window.workspace.session
    session.finished.connect(loop.quit)
    session.stepped.connect(mark)
    window.workspace.train()
    loop.exec()
    session.finished.disconnect(loop.quit)
    session.stepped.disconnect(mark)
    (wall0, cpu0), (wall1, cpu1) = marks[0], marks[-1]
    share = (cpu1 - cpu0) / (wall1 - wall0) if wall1 > wall0 else 0.0
    return session.history.epochs[-1].samples_per_s, share


def warm_up_window(window, epochs: int = 1) -> None:
    """One short press of Train: the views' first paints and the first run's one-off costs are
    not throughput, as a person's second run does not pay them."""
    config = window.workspace.config
    window.workspace.set_config(replace(config, epochs=epochs))
    train_in_gui(window)
    window.workspace.set_config(config)


def close_windows(window, dashboard: QWidget) -> None:
    window.workspace.files.dirty = False
    window.close()
    dashboard.close()


def drop_latency(
    window, repeats: int = 20, image: Path | None = None, settle: Callable | None = None
) -> dict[str, float]:
    """Milliseconds from a dropped image file (a photo of a digit unless given) to the
    probability bars, median and max; settle(), if given, runs after each (untimed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = image or Path(folder) / "digit.png"
        if image is None:
            img = Image.new("L", (400, 300), 215)
            font = ImageFont.load_default(size=160)
            ImageDraw.Draw(img).text((150, 60), "4", fill=30, font=font)
            img.save(path)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            window.classify_view.classify_paths([path])
            times.append((time.perf_counter() - started) * 1000)
            assert window.classify_view.bars.rows, window.classify_view.message_text()
            if settle is not None:
                settle()
    return {"median_ms": float(np.median(times)), "max_ms": float(np.max(times))}


def in_thread(fn: Callable[[], float]) -> float:
    """fn() on a new thread with the training thread count, as the app's worker runs it; the
    thread's OpenMP team ends with it instead of lingering beside the GUI's (set_torch_threads)."""
    out: list[float] = []

    def run() -> None:
        set_torch_threads(TRAINING_THREADS)
        out.append(fn())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out[0]


def bench_round(case: Case, config: TrainConfig, slices: int) -> dict:
    """One round: slices of each kind of training, each run between two runs of the bare loop
    and compared with their mean, so that a shared machine's drift and bursts (the bare loop
    moves ±30 % within seconds on a small VM) hit both sides alike; each slice is case.epochs
    epochs.

    Per slice, in an order that turns: the trainer alone, the GUI with every view open, the
    same with the neuron view open too (its own figure: its probes run in the training
    thread), the same with the 10 ms lateness timer (its own wake-ups cost ~2 % of a core,
    measured: a cost of the measurement, not of the app, so throughput is also taken without
    it). The window
    stays open, and each GUI slice is one more press of Train, continuing the run.
    """
    create_app()
    set_torch_threads(1)  # the GUI thread's own torch work stays serial, as in the app
    data = load_dataset("mnist5k").to(pick_device(config.device))
    window, dashboard = training_window(case, config)
    neurons = neuron_window(window)
    probe = LatenessProbe()
    # A process's first loop pays one-off costs (allocator, first kernels): not a reference.
    in_thread(lambda: bare_loop(Case(case.name, case.spec, 1), data, config))
    warm_up_window(window)

    def bare() -> float:
        return in_thread(lambda: bare_loop(case, data, config))

    def timed() -> tuple[float, float]:
        probe.start()
        try:
            return train_in_gui(window)
        finally:
            probe.stop()

    kinds = {
        "trainer": lambda: (in_thread(lambda: trainer_alone(case, data, config)), 0.0),
        "gui": lambda: train_in_gui(window),
        "gui_timed": timed,
        "gui_neurons": lambda: train_with_neurons(window, neurons),
    }
    runs: dict[str, list[float]] = {k: [] for k in kinds}
    refs: dict[str, list[float]] = {k: [] for k in kinds}
    drift, shares = [], []
    before = bare()
    order = list(kinds)
    for i in range(slices):
        # Each kind takes each place in turn: a run after the trainer alone measured ~8 %
        # slower than one after a GUI run (cause not found), which a fixed order makes a bias.
        turn = i % len(order)
        for kind in order[turn:] + order[:turn]:
            rate, share = kinds[kind]()
            after = bare()
            runs[kind].append(rate)
            refs[kind].append((before + after) / 2)
            drift.append(after / before)
            if kind == "gui":
                shares.append(share)
            before = after
    result = {
        **runs,
        "bare": refs,  # per kind, each slice's reference: the bare loops on either side
        "bare_drift": drift,  # the machine's own noise, a slice apart
        "gui_cpu_share": shares,
        "lateness": probe.summary(),
        "drop_to_bars_ms": drop_latency(window),
    }
    close_windows(window, dashboard)
    neurons.close()
    return result


def bench_round_process(case_name: str, epochs: int, config: TrainConfig, slices: int) -> dict:
    """bench_round in a new process, started as the app starts (no torch threads used yet)."""
    args = [case_name, str(epochs), json.dumps(config.to_dict()), str(slices)]
    out = subprocess.run(
        [sys.executable, "-m", "playground.bench.round", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def launch_seconds() -> tuple[float, float]:
    """Seconds from starting a new process to the main window shown and painted, and to its
    Train button enabled (PyTorch and the data set loaded in the background)."""
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "playground.bench.launch", str(started)],
        capture_output=True,
        text=True,
        check=True,
    )
    shown, ready = out.stdout.strip().splitlines()[-1].split()
    return float(shown), float(ready)


def photos_process(per_class: int) -> dict:
    """bench.photos in a new process: the ImageNet classifier's latency, feature caching and
    a transfer learning run on 3 classes × per_class photos."""
    command = [sys.executable, "-m", "playground.bench.photos", str(per_class)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def folder_load_process(images: int) -> dict:
    """bench.folder in a new process: the lateness while an image folder loads."""
    out = subprocess.run(
        [sys.executable, "-m", "playground.bench.folder", str(images)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def sweep_process(trials: int, samples: int, epochs: int) -> dict:
    """bench.sweep in a new process: the lateness while a sweep of trials trials (each epochs
    epochs on samples points) runs."""
    out = subprocess.run(
        [sys.executable, "-m", "playground.bench.sweep", str(trials), str(samples), str(epochs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
