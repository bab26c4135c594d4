import zipfile

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from gui_helpers import (
    LEFT,
    NO_MOD,
    FakeDragManager,
    answer_next_dialog,
    drop_files,
    mouse_drag,
    open_window,
    wait_for_tasks,
)
from playground.core.io.project import load_project
from playground.ui.app import start_up

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def make_window(qtbot):
    windows = []

    def make():
        w = open_window(qtbot)
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.workspace.files.dirty = False
        w.close()


def save_with_keys(window, monkeypatch, path, qtbot):
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    QTest.keyClick(window, Qt.Key.Key_S, CTRL)
    wait_for_tasks(qtbot, window)


def train_briefly(window, qtbot, epochs=1):
    window.training.epochs.setValue(epochs)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)


def types(window):
    return [layer.type for layer in window.workspace.document.spec.layers]


def test_save_title_and_reopen_by_drop(make_window, qtbot, tmp_path, monkeypatch):
    w = make_window()
    assert w.windowTitle() == "Untitled[*] — Neural Playground" and not w.isWindowModified()
    w.workspace.apply_preset("lenet5")
    assert w.isWindowModified()
    w.training.lr.setValue(0.002)
    train_briefly(w, qtbot)
    val_acc = w.workspace.session.history.epochs[-1].val_accuracy
    save_with_keys(w, monkeypatch, tmp_path / "digits", qtbot)
    path = tmp_path / "digits.playground"
    assert path.exists() and not w.isWindowModified()
    assert w.windowTitle().startswith("digits")
    with zipfile.ZipFile(path) as z:
        assert "weights.safetensors" in z.namelist()
    other = make_window()
    assert drop_files(other, [path]) != Qt.DropAction.IgnoreAction
    wait_for_tasks(qtbot, other)
    assert types(other) == types(w)
    assert other.training.lr.value() == pytest.approx(0.002)
    assert other.workspace.session.state == "trained"
    assert other.training.train_button.text() == "▶  Continue"
    assert other.curves.history.epochs[-1].val_accuracy == val_acc
    assert other.windowTitle().startswith("digits") and not other.isWindowModified()
    assert str(path) in [a.text() for a in other.menus.recent.actions()]


def test_bad_files_keep_current_work(make_window, tmp_path, monkeypatch, qtbot):
    w = make_window()
    w.workspace.apply_preset("mlp")
    before = w.workspace.document.spec
    for name, data in [
        ("corrupt.playground", b"PK\x03\x04garbage"),
        ("foreign.playground", b"just text"),
        ("empty.playground", b""),
    ]:
        (tmp_path / name).write_bytes(data)
        monkeypatch.setattr(
            "PySide6.QtWidgets.QFileDialog.getOpenFileName",
            lambda *a, n=name, **k: (str(tmp_path / n), ""),
        )
        w.workspace.files.dirty = False
        QTest.keyClick(w, Qt.Key.Key_O, CTRL)
        qtbot.waitUntil(lambda n=name: f"Could not open {n}" in w.banner.text(), timeout=10_000)
        assert w.workspace.document.spec == before


def test_failed_save_says_so_and_keeps_old_file(make_window, tmp_path, monkeypatch, qtbot):
    w = make_window()
    good = tmp_path / "a.playground"
    save_with_keys(w, monkeypatch, good, qtbot)
    before = good.read_bytes()
    w.workspace.apply_preset("mlp")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", disk_full)
    QTest.keyClick(w, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: "No space left on device" in w.banner.text(), timeout=10_000)
    assert "previous file" in w.banner.text()
    assert good.read_bytes() == before and w.isWindowModified()


def test_close_with_unsaved_changes_asks(make_window, qtbot):
    w = make_window()
    w.workspace.apply_preset("mlp")
    seen = []
    answer_next_dialog(QMessageBox.StandardButton.Cancel, seen)
    w.close()
    assert seen and "Save the changes to Untitled" in seen[0]
    assert w.isVisible()
    answer_next_dialog(QMessageBox.StandardButton.Discard, seen)
    w.close()
    assert not w.isVisible()


def test_autosave_after_training_and_recovery_after_crash(make_window, qtbot, _isolated_home):
    w = make_window()
    w.workspace.apply_preset("perceptron")
    train_briefly(w, qtbot)
    wait_for_tasks(qtbot, w)
    recovery = _isolated_home / "recovery.playground"
    assert recovery.exists()
    assert load_project(recovery).weights is not None
    # The app "crashes": no close, the recovery file stays. A new start offers it back.
    w.workspace.files.dirty = False
    w.hide()
    fresh = make_window()
    seen = []
    answer_next_dialog(QMessageBox.StandardButton.Yes, seen)
    start_up(fresh, None)
    wait_for_tasks(qtbot, fresh)
    assert "did not close properly" in seen[0]
    assert types(fresh) == ["Flatten", "Linear"] and fresh.workspace.session.state == "trained"
    assert fresh.isWindowModified()


def test_opening_from_the_command_line(make_window, tmp_path, monkeypatch, qtbot):
    w = make_window()
    w.workspace.apply_preset("deep-sigmoid")
    save_with_keys(w, monkeypatch, tmp_path / "deep.playground", qtbot)
    fresh = make_window()
    start_up(fresh, tmp_path / "deep.playground")
    wait_for_tasks(qtbot, fresh)
    assert types(fresh) == types(w)
    start_up(fresh, tmp_path / "missing.playground")
    wait_for_tasks(qtbot, fresh)
    assert "Could not open missing.playground" in fresh.banner.text()
    assert types(fresh) == types(w)


def test_undo_redo_every_edit_with_keys(make_window, monkeypatch):
    w = make_window()
    drags = FakeDragManager(monkeypatch)
    original = types(w)
    # add
    pal = w.palette_view
    item = pal.item_for("Tanh")
    pal.scrollToItem(item)
    mouse_drag(
        drags,
        pal.viewport(),
        pal.visualItemRect(item).center(),
        w.stack,
        QPoint(60, w.stack.card_rect(0).top() + 3),
    )
    added = types(w)
    assert added == ["Tanh", *original]
    # move
    mouse_drag(
        drags,
        w.stack,
        w.stack.card_rect(0).center(),
        w.stack,
        QPoint(60, w.stack.card_rect(2).top() + 3),
    )
    moved = types(w)
    assert moved == [original[0], "Tanh", *original[1:]]
    # parameter change
    QTest.mouseClick(w.stack, LEFT, NO_MOD, w.stack.card_rect(0).center())
    spin = w.inspector.editors["out_channels"]
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_Up)
    QTest.keyClick(spin, Qt.Key.Key_Up)
    assert w.workspace.document.spec.layers[0].params["out_channels"] == 18
    # remove
    QTest.mouseClick(w.stack, LEFT, NO_MOD, w.stack.card_rect(1).center())
    QTest.keyClick(w.stack, Qt.Key.Key_Delete)
    assert types(w) == original
    undo = [(Qt.Key.Key_Z, CTRL)]
    QTest.keyClick(w.stack, *undo[0])
    assert types(w) == moved
    QTest.keyClick(w.stack, *undo[0])  # both Up presses were one edit
    assert w.workspace.document.spec.layers[0].params["out_channels"] == 16
    QTest.keyClick(w.stack, *undo[0])
    assert types(w) == added
    QTest.keyClick(w.stack, *undo[0])
    assert types(w) == original
    for expected in (added, moved):
        QTest.keyClick(w.stack, Qt.Key.Key_Z, CTRL | SHIFT)
        assert types(w) == expected
    QTest.keyClick(w.stack, Qt.Key.Key_Z, CTRL | SHIFT)
    assert w.workspace.document.spec.layers[0].params["out_channels"] == 18


def test_a_project_opens_with_the_table_kept_inside_after_the_csv_moved(
    make_window, qtbot, tmp_path, monkeypatch
):
    from public_tables import iris_csv

    from playground.core.data.ref import DatasetRef
    from playground.core.data.registry import load_dataset
    from playground.core.io.project import save_project
    from playground.core.io.trained import trained_project
    from playground.core.model.presets import preset
    from playground.core.training.config import TrainConfig
    from playground.core.training.trainer import Trainer

    csv = iris_csv(tmp_path)
    data = load_dataset(DatasetRef(str(csv), {"target": "species"}))
    t = Trainer(preset("mlp", data.input_shape, 3), data, TrainConfig(epochs=1))
    t.run()
    path = tmp_path / "iris.playground"
    save_project(path, trained_project(t))
    csv.unlink()  # on another machine, or moved
    w = make_window()
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), "")
    )
    QTest.keyClick(w, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: "copy kept inside it" in w.banner.text(), timeout=30_000)
    d = w.workspace.dataset
    assert d.class_names == ["setosa", "versicolor", "virginica"] and d.name == "iris.csv"
    assert w.workspace.session.state == "trained"
    form = w.views.numbers
    QTest.mouseClick(form.ask, LEFT)
    assert "%" in form.result.text()  # the classes by probability
