"""The window opens before PyTorch loads, then becomes ready to train by itself."""

import os
import signal
import subprocess
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_helpers import LEFT, wait_for_tasks
from playground.cli import main
from playground.core.data.ref import DatasetRef
from playground.core.io.project import Project, save_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.ui.app import start_up
from playground.ui.main_window import MainWindow

FRESH_START = """
import sys
from PySide6.QtCore import QEventLoop, QTimer
from playground.ui.app import create_app
app = create_app()
from playground.ui.main_window import MainWindow
w = MainWindow()
w.show()
print("torch at show:", "torch" in sys.modules)
print("train at show:", w.training.train_button.isEnabled(), "|", w.training.status.text())
if sys.argv[1] == "wait":
    # in a real event loop, as the app waits: QTest.qWait keeps the GIL while it sleeps and
    # starves the loader thread (30-60 s instead of 2 under load)
    loop = QEventLoop()
    w.workspace.readyChanged.connect(lambda ready: QTimer.singleShot(0, loop.quit))
    QTimer.singleShot(60_000, loop.quit)
    if not w.workspace.ready:
        loop.exec()
    print("ready:", w.training.device.currentText(), "|", w.stack.dataset_label)
    w.workspace.loader.wait()
    import gc
    print("start-up objects frozen:", gc.get_freeze_count() > 100_000)
w.workspace.files.dirty = False
w.close()
print("closed")
"""


def fresh_start(mode: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", FRESH_START, mode], capture_output=True, text=True, timeout=120
    )


def test_window_shows_before_torch_loads_then_becomes_ready():
    out = fresh_start("wait")
    assert out.returncode == 0, out.stderr
    assert "torch at show: False" in out.stdout
    assert "train at show: False | Loading PyTorch and the data set…" in out.stdout
    assert "ready: Auto (CPU) | mnist5k · 4,000 train / 1,000 val · 10 classes" in out.stdout
    assert "start-up objects frozen: True" in out.stdout  # no 120 ms full collections later
    assert "QThread" not in out.stderr


def test_closing_while_torch_loads_is_clean():
    out = fresh_start("close at once")
    assert out.returncode == 0, out.stderr
    assert "closed" in out.stdout
    assert "QThread" not in out.stderr and "Traceback" not in out.stderr


def test_project_opened_at_start_keeps_its_own_data_set(qtbot, tmp_path):
    path = tmp_path / "spiral.playground"
    spec = preset("mlp", (2,), 2)
    save_project(path, Project(spec, DatasetRef("spiral"), TrainConfig(epochs=3)))
    w = MainWindow()
    w.show()
    start_up(w, path)  # before the start-up loader has reported
    qtbot.waitUntil(lambda: w.workspace.loader.isFinished(), timeout=30_000)
    wait_for_tasks(qtbot, w)  # the project opens behind the window
    QTest.qWait(50)  # let the loader's late report arrive: it must not replace spiral
    assert w.workspace.dataset.name == "spiral" and w.stack.cards[0].shape == "2"
    assert w.training.train_button.isEnabled() and w.training.epochs.value() == 3
    with qtbot.waitSignal(w.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(w.training.train_button, LEFT)
    assert w.workspace.session.history.epochs_done == 3


def test_missing_bundled_data_is_explained(qtbot, tmp_path, monkeypatch):
    gone = (tmp_path / "images.gz", tmp_path / "labels.gz")
    monkeypatch.setattr("playground.core.data.registry.MNIST5K", gone)
    w = MainWindow()
    w.show()
    qtbot.waitUntil(lambda: w.workspace.ready, timeout=30_000)
    assert "Could not load the data set" in w.banner.text()
    # Train stays off and says why; the data set chooser is on
    assert not w.training.train_button.isEnabled()
    assert w.training.status.text() == "Choose a data set to train on"
    assert w.training.dataset.isEnabled()
    assert w.workspace.session.state == "idle"
    w.workspace.files.dirty = False
    w.close()


def test_ctrl_c_while_it_starts_ends_in_one_line():
    child = subprocess.Popen(
        [sys.executable, "-m", "playground"], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(1)  # importing Qt and building the window
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert "Traceback" not in stderr and "QThread" not in stderr
    assert stderr.strip().splitlines()[-1] == "playground: interrupted"


def test_ctrl_c_once_the_window_is_up_closes_it(qtbot, capsys):
    def press_ctrl_c_when_ready() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and windows[0].training.train_button.isEnabled():
            os.kill(os.getpid(), signal.SIGINT)
        else:
            QTimer.singleShot(20, press_ctrl_c_when_ready)

    QTimer.singleShot(0, press_ctrl_c_when_ready)
    assert main([]) == 130  # the window closed, the event loop ended
    assert capsys.readouterr().err.strip().splitlines() == ["playground: interrupted"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
