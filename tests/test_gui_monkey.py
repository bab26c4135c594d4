"""A seeded monkey on the real window: a few hundred random clicks on visible enabled buttons,
menu actions, tab changes, choices in combo boxes, keys and file drops, modal dialogs answered
at random. No exception may escape (pytest-qt fails the test on one raised in a slot) and no
traceback may be logged."""

import logging
import os
import random

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QMessageBox,
    QTabBar,
)

from gui_helpers import LEFT, NO_MOD, drop_files, wait_for_tasks
from playground.core.io.project import save_project

SEED = int(os.environ.get("MONKEY_SEED", "7"))  # another seed: another walk
ACTIONS = int(os.environ.get("MONKEY_ACTIONS", "300"))  # 1,500 walks further
# Quit ends the test; the pretrained network and transfer learning take minutes on a CPU.
LEFT_OUT = ("quit", "pretrained-", "preset-transfer")
KEYS = [
    (Qt.Key.Key_F5, NO_MOD),
    (Qt.Key.Key_F6, NO_MOD),
    (Qt.Key.Key_F10, NO_MOD),
    (Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier),
    (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Delete, NO_MOD),
    (Qt.Key.Key_Escape, NO_MOD),
    (Qt.Key.Key_Tab, NO_MOD),
    (Qt.Key.Key_Right, NO_MOD),
]


@pytest.fixture
def no_file_dialogs(monkeypatch):
    """Every file dialog is cancelled at once (the monkey leaves file choosing out)."""
    for name, cancelled in [
        ("getOpenFileName", ("", "")),
        ("getOpenFileNames", ([], "")),
        ("getSaveFileName", ("", "")),
        ("getExistingDirectory", ""),
    ]:
        monkeypatch.setattr(f"PySide6.QtWidgets.QFileDialog.{name}", lambda *a, c=cancelled, **k: c)


def answer_modals(rng: random.Random) -> QTimer:
    """A timer that answers whatever modal dialog is open with a random button, or closes it."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.buttons():
            rng.choice(box.buttons()).click()
        elif isinstance(box, QDialog):
            box.reject()

    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(answer)
    timer.start()
    return timer


def files_to_drop(tmp_path, window) -> list:
    rng = np.random.default_rng(0)
    photo = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 255, (40, 30, 3), dtype=np.uint8)).save(photo)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    project = tmp_path / "saved.playground"
    save_project(project, window.workspace.snapshot_project())
    return [[photo], [junk], [photo, junk], [project]]


def buttons(window) -> list[QAbstractButton]:
    """The window's buttons a person can click now (the dock's and dialogs' included)."""
    found = []
    for top in QApplication.topLevelWidgets():
        if top.isVisible() and (top is window or top.parentWidget() is window):
            found += [
                b
                for b in top.findChildren(QAbstractButton)
                if b.isVisible() and b.isEnabled() and b.window().isVisible()
            ]
    return found


def actions(window) -> list[QAction]:
    return [
        a
        for a in window.findChildren(QAction)
        if a.objectName()
        and a.isEnabled()
        and not any(a.objectName().startswith(p) for p in LEFT_OUT)
    ]


def tab_bars(window) -> list[QTabBar]:
    return [b for b in window.findChildren(QTabBar) if b.isVisible() and b.count()]


def combos(window) -> list[QComboBox]:
    return [
        c for c in window.findChildren(QComboBox) if c.isVisible() and c.isEnabled() and c.count()
    ]


def choose_at_random(combo: QComboBox, rng: random.Random) -> str:
    """Pick an entry as a click in the open list does (the chooser's activated signal)."""
    index = rng.randrange(combo.count())
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    return combo.itemText(index)


def test_random_use_raises_nothing_and_logs_no_traceback(
    window, qtbot, tmp_path, caplog, no_file_dialogs
):
    rng = random.Random(SEED)
    drops = files_to_drop(tmp_path, window)
    timer = answer_modals(random.Random(SEED + 1))
    caplog.set_level(logging.WARNING)
    done = []
    for _ in range(ACTIONS):
        kinds = ["button", "action", "tab", "key", "drop", "combo"]
        kind = rng.choices(kinds, [5, 3, 2, 2, 1, 1])[0]
        if kind == "button" and (choices := buttons(window)):
            target = rng.choice(choices)
            done.append(f"click {target.text() or target.toolTip()}")
            QTest.mouseClick(target, LEFT)
        elif kind == "action":
            target = rng.choice(actions(window))
            done.append(f"menu {target.objectName()}")
            target.trigger()
        elif kind == "tab" and (bars := tab_bars(window)):
            bar = rng.choice(bars)
            index = rng.randrange(bar.count())
            done.append(f"tab {bar.tabText(index)}")
            if bar.isTabVisible(index) and bar.isTabEnabled(index):
                QTest.mouseClick(bar, LEFT, NO_MOD, bar.tabRect(index).center())
        elif kind == "key":
            key, modifiers = rng.choice(KEYS)
            done.append(f"key {key.name}")
            QTest.keyClick(QApplication.focusWidget() or window, key, modifiers)
        elif kind == "combo" and (choices := combos(window)):
            done.append(f"choose {choose_at_random(rng.choice(choices), rng)}")
        elif kind == "drop":
            files = rng.choice(drops)
            done.append(f"drop {[p.name for p in files]}")
            drop_files(window, files)
        QCoreApplication.processEvents()
        if not window.isVisible():
            pytest.fail(f"the window closed after {done[-5:]}")
    timer.stop()
    window.workspace.session.shutdown(timeout_ms=60_000)
    wait_for_tasks(qtbot, window, timeout=60_000)
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert not tracebacks, (tracebacks[0].getMessage(), repr(tracebacks[0].exc_info[1]), done[-10:])


def test_paste_with_an_empty_clipboard_says_so(window):
    """Found by the monkey: Paste with nothing on the clipboard raised an AttributeError."""
    QApplication.clipboard().clear()
    window.views.setCurrentWidget(window.classify_view)
    paste = next(
        b for b in window.classify_view.findChildren(QAbstractButton) if b.text() == "Paste"
    )
    QTest.mouseClick(paste, LEFT)
    assert "The clipboard holds no image" in window.classify_view.message_text()


def test_rename_pressed_twice_keeps_the_one_editor(window, qtbot):
    """Found by the monkey: Rename pressed while the name is being edited (a window not
    active: the click leaves the focus in the editor) warned 'edit: editing failed' (a Qt
    warning fails the test)."""
    from test_gui_workspace import choose_dataset, train

    from gui_helpers import click_tab
    from playground.ui.views.runs_view import NAME

    choose_dataset(window, qtbot, "gauss")
    window.findChild(QAction, "preset-mlp").trigger()
    train(window, qtbot, epochs=1)
    click_tab(window, "Runs")
    view = window.views.runs
    table = view.table
    QTest.mouseClick(
        table.viewport(), LEFT, NO_MOD, table.visualItemRect(table.item(0, NAME)).center()
    )
    view.rename_button.click()  # the editor keeps the focus: a click that does not take it
    view.rename_button.click()
    assert table.state() == table.State.EditingState
