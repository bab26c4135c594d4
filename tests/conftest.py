import os
import sys

import pytest

if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One OpenMP thread: training shares the cores with the GUI thread and another xdist worker,
# and teams of two threads on two busy cores train several times slower (core/training/
# device.py); under load a 200-epoch CLI run took 43 s of CPU with two threads, 3 s with one.
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def mnist5k():
    from playground.core.data.registry import load_dataset

    return load_dataset("mnist5k", seed=0)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Recovery, recent files and settings go to a fresh folder for every test (beside its
    tmp_path, not in it: tests read a tmp_path as a folder of images or count its files)."""
    home = tmp_path_factory.mktemp("home")
    # as after a first launch: the start card was dismissed (test_gui_start_card removes this)
    (home / "settings.ini").write_text("[start]\ncard_dismissed=true\n")
    monkeypatch.setenv("PLAYGROUND_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _delete_windows():
    """Delete every top-level widget after each test, so none outlives the QApplication."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication, QMainWindow

    if QApplication.instance() is None:
        return
    from gui_helpers import end_answers

    end_answers()
    QCoreApplication.sendPostedEvents()  # deliver queued worker signals while receivers live
    QCoreApplication.processEvents()
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMainWindow):
            # A run a failed test left going ends before its window goes (a window closing
            # mid-run waits for the run's end, which deleting it here would not).
            w.workspace.session.shutdown(timeout_ms=60_000)
            w.workspace.files.dirty = False
            w.close()
            w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def _trained_once(tmp_path_factory, name: str, train):
    """(CPU eval copy, Project) of train()'s project, trained once per run: with xdist the
    first worker to need it trains it and saves the project, the others open that project."""
    from filelock import FileLock

    from playground.core.inspect.inference import inference_copy
    from playground.core.io.project import load_project, save_project

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        project = train()
    else:
        path = tmp_path_factory.getbasetemp().parent / f"{name}.playground"  # this run's
        with FileLock(f"{path}.lock"):
            if path.exists():
                project = load_project(path)
            else:
                project = train()
                save_project(path, project)
    return inference_copy(project.build_trained_model()), project


def _train(data, preset_name: str, epochs: int):
    """The project of preset_name trained on data for epochs (seeded)."""
    from playground.core.io.trained import trained_project
    from playground.core.model.presets import preset
    from playground.core.training.config import TrainConfig
    from playground.core.training.trainer import Trainer

    t = Trainer(preset(preset_name, data.input_shape, 10), data, TrainConfig(epochs=epochs, seed=1))
    t.run()
    return trained_project(t)


@pytest.fixture(scope="session")
def digit_model(mnist5k, tmp_path_factory):
    """A small CNN trained on mnist5k: (CPU eval copy, its Project)."""
    return _trained_once(tmp_path_factory, "digit_model", lambda: _train(mnist5k, "small-cnn", 6))


@pytest.fixture(scope="session")
def digit_mlp(mnist5k, tmp_path_factory):
    """An MLP trained on mnist5k in seconds: (CPU eval copy, its Project, with familiarity)."""
    return _trained_once(tmp_path_factory, "digit_mlp", lambda: _train(mnist5k, "mlp", 3))


@pytest.fixture
def window(qtbot):
    """The main window, shown and active. Not qtbot.addWidget: its teardown close would meet
    the unsaved-changes prompt, which the tests of that prompt answer themselves."""
    from gui_helpers import open_window

    w = open_window(qtbot)
    yield w
    w.workspace.files.dirty = False
    w.close()


@pytest.fixture(scope="session")
def qapp():
    """The application as the app starts it (theme, plot options, logging)."""
    from playground.ui.app import create_app

    return create_app()


@pytest.fixture(scope="session")
def lenet_project(mnist5k, tmp_path_factory):
    """A LeNet-5 trained two epochs on mnist5k (94 %), saved: the path of its project file."""
    from playground.core.io.project import save_project
    from playground.core.io.trained import trained_project
    from playground.core.model.presets import preset
    from playground.core.training.config import TrainConfig
    from playground.core.training.trainer import Trainer

    t = Trainer(
        preset("lenet5", mnist5k.input_shape, 10), mnist5k, TrainConfig(epochs=2, seed=1, lr=2e-3)
    )
    t.run()
    path = tmp_path_factory.mktemp("lenet") / "lenet.playground"
    save_project(path, trained_project(t))
    return path
