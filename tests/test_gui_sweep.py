"""Training ▸ Sweep…: a study run behind the window, its trials in the Sweep tab (table, best
settings, parallel coordinates, a setting against the result) and in the runs; cancel; a study
opened from its storage."""

import time

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

from gui_helpers import LEFT, click_menu, click_tab, paint_two_classes, toy_mlp
from playground.core.training.sweep_results import read_study
from playground.ui.dialogs.sweep import SweepDialog


def _dialog(window, qtbot, storage: str, study: str, trials: int, menu=True) -> SweepDialog:
    toy_mlp(window, qtbot, "circle")
    window.training.epochs.setValue(1)
    if menu:
        click_menu(window, "Training", "Sweep…")
    else:  # the menu's action, as its shortcut-less keyboard path would (a second window's
        # menu clicks went astray offscreen)
        window.findChild(type(window.menus.undo), "sweep").trigger()
    qtbot.waitUntil(lambda: window.findChild(SweepDialog) is not None)
    dialog = window.findChild(SweepDialog)
    qtbot.waitUntil(dialog.isVisible)
    # a study compares trials on one data set: the name it offers says which
    assert dialog.study.text() == f"sweep on {window.workspace.dataset.name}"
    dialog.trials.setValue(trials)
    dialog.storage.setText(storage)
    dialog.study.setText(study)
    return dialog


class _Lateness:
    """A 10 ms timer's lateness, as the bench measures the window's fluidity."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(10)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late.append(max(0.0, now - self.last - 0.010))
        self.last = now


def test_a_sweep_from_the_window(window, qtbot, tmp_path):
    storage = f"sqlite:///{tmp_path}/gui.db"
    dialog = _dialog(window, qtbot, storage, "gui", 3)
    lateness = _Lateness()
    QTest.mouseClick(dialog.start_button, LEFT)
    view, sweeps = window.views.sweep, window.views.sweep.sweeps
    assert window.views.currentWidget() is view
    assert dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: sweeps.task is None, timeout=180_000)
    lateness.timer.stop()
    late = sorted(lateness.late)
    print(
        f"timer lateness while sweeping: p99 {late[int(0.99 * len(late))] * 1000:.0f} ms, "
        f"max {late[-1] * 1000:.0f} ms over {len(late)} ticks"
    )
    qtbot.waitUntil(
        lambda: (
            view.trials.rowCount() == 3
            and all(r.state in ("complete", "pruned") for r in view.table.rows)
        )
    )
    study = read_study(storage, "gui")
    assert [view.trials.item(i, 0).text() for i in range(3)] == ["0", "1", "2"]
    assert view.trials.horizontalHeaderItem(3).text() == "lr"
    finished = [r for r in study.rows if r.value is not None]
    assert len(view.lines) == len(finished)  # a line per trial with a result
    _, y = view.points.getData()
    assert sorted(y) == sorted(r.value for r in finished)
    assert sorted(r.name for r in window.workspace.runs.runs) == [
        f"gui trial {n}" for n in range(3)
    ]
    best = study.best
    assert f"trial {best.number}" in view.best.text()
    QTest.mouseClick(view.make_current, LEFT)
    assert window.workspace.config.lr == best.params["lr"]
    assert not dialog.cancel_button.isEnabled() and dialog.start_button.isEnabled()


def test_cancel_and_open_a_study(window, qtbot, tmp_path):
    storage = f"sqlite:///{tmp_path}/cancel.db"
    dialog = _dialog(window, qtbot, storage, "long", 200, menu=False)
    QTest.mouseClick(dialog.start_button, LEFT)
    sweeps = window.views.sweep.sweeps
    qtbot.waitUntil(lambda: len(window.workspace.runs.runs) >= 1, timeout=120_000)
    QTest.mouseClick(dialog.cancel_button, LEFT)
    qtbot.waitUntil(lambda: sweeps.task is None, timeout=60_000)
    assert len(read_study(storage, "long").rows) < 200
    sweeps.stop_watching()
    view = window.views.sweep
    view.table = None
    click_tab(window, "Sweep")
    view.storage.setText(storage)
    view.study.setText("long")
    with qtbot.waitSignal(sweeps.read, timeout=30_000):
        QTest.mouseClick(view.open_button, LEFT)
    assert view.table.study == "long" and view.trials.rowCount() >= 1
    view.study.setText("none")
    with qtbot.waitSignal(sweeps.failed, timeout=30_000):
        QTest.mouseClick(view.open_button, LEFT)
    assert "no study named 'none'" in view.status.text()


def test_the_newest_study_watched_is_the_one_read(window, qtbot, tmp_path):
    import optuna

    from playground.core.training.sweep import storage_of

    storage = f"sqlite:///{tmp_path}/two.db"
    for name, value in (("first", 0.25), ("second", 0.75)):
        study = optuna.create_study(study_name=name, storage=storage_of(storage))
        study.add_trial(optuna.trial.create_trial(params={}, distributions={}, value=value))
    sweeps = window.views.sweep.sweeps
    tables = []
    sweeps.read.connect(tables.append)
    sweeps.watch(storage, "first")
    sweeps.watch(storage, "second")  # before the first read has ended
    qtbot.waitUntil(lambda: len(tables) >= 1, timeout=30_000)
    assert [t.study for t in tables] == ["second"] and tables[0].rows[0].value == 0.75
    sweeps.refresh()
    sweeps.stop_watching()  # a read under way is forgotten: nothing arrives after this
    qtbot.waitUntil(lambda: not window.workspace.tasks.running, timeout=30_000)
    assert [t.study for t in tables] == ["second"]


def test_a_sweep_of_painted_points_from_the_window(window, qtbot, tmp_path):
    """Points painted on the Boundary plane travel to the sweep's worker processes: two tiny
    trials train on them and land in the runs."""
    ws = window.workspace
    paint_two_classes(window, qtbot, np.linspace(-4, 4, 12))
    window.findChild(type(window.menus.undo), "preset-mlp").trigger()
    window.training.epochs.setValue(1)
    # Training ▸ Sweep…'s action (a later window's menu clicks go astray offscreen)
    window.findChild(type(window.menus.undo), "sweep").trigger()
    qtbot.waitUntil(lambda: window.findChild(SweepDialog) is not None)
    dialog = window.findChild(SweepDialog)
    dialog.trials.setValue(2)
    dialog.storage.setText(f"sqlite:///{tmp_path}/painted.db")
    dialog.study.setText("painted")
    QTest.mouseClick(dialog.start_button, LEFT)
    sweeps = window.views.sweep.sweeps
    qtbot.waitUntil(lambda: sweeps.task is None, timeout=180_000)
    qtbot.waitUntil(lambda: window.views.sweep.trials.rowCount() == 2, timeout=30_000)
    assert "Done. Best: trial" in dialog.message.text(), dialog.message.text()
    runs = ws.runs.runs
    assert sorted(r.name for r in runs) == ["painted trial 0", "painted trial 1"]
    assert all(r.dataset == ws.dataset.ref and r.dataset.source == "painted" for r in runs)
    # one epoch at a sampled learning rate (1e-4 learns nothing yet): measured, not judged
    assert all(0 <= r.history.epochs[-1].val_accuracy <= 1 for r in runs)


def test_the_sweep_dialog_plans_a_regression_by_its_r2(window, qtbot, tmp_path):
    from public_tables import prices_csv

    from playground.core.data.ref import DatasetRef

    ws = window.workspace
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        ws.choose_dataset(DatasetRef(str(prices_csv(tmp_path)), {"target": "price"}))
    window.findChild(type(window.menus.undo), "preset-mlp").trigger()
    window.findChild(type(window.menus.undo), "sweep").trigger()
    qtbot.waitUntil(lambda: window.findChild(SweepDialog) is not None)
    assert window.findChild(SweepDialog).plan().task == "regression"
