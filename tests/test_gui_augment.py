"""Augmentation in the window: the dialog's controls set the training setting, the preview
grid follows them, and what cannot apply is said in one line."""

import sys
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, choose_in_combo, open_window, wait_for_tasks


def _click(widget):
    QTest.mouseClick(widget, LEFT, NO_MOD, QPoint(8, widget.height() // 2))


def _open_dialog(window, qtbot, menu=False):
    if menu:  # Training ▸ Augment…, as a person picks it
        window.findChild(QAction, "augment").trigger()
    else:
        QTest.mouseClick(window.training.augment.button, LEFT)
    dialog = window.augment_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _grid_image(dialog, qtbot, window):
    wait_for_tasks(qtbot, window)
    qtbot.waitUntil(lambda: not dialog.grid.pixmap().isNull())
    return dialog.grid.pixmap().toImage()


def test_set_augmentation_and_watch_the_preview_change(window, qtbot):
    dialog = _open_dialog(window, qtbot)
    plain = _grid_image(dialog, qtbot, window)
    top = plain.copy(0, 0, plain.width(), plain.height() // 5)  # the pictures as they are
    for name in ("crop", "rotate"):
        _click(dialog.checks[name])
    _click(dialog.flip)
    assert window.workspace.config.augment == "crop=0.3,flip,rotate=15"
    assert window.training.augment.summary.text() == "crop 30% · flip · rotate 15°"
    qtbot.waitUntil(lambda: _grid_image(dialog, qtbot, window) != plain, timeout=10_000)
    changed = _grid_image(dialog, qtbot, window)
    assert changed.copy(0, 0, changed.width(), changed.height() // 5) == top

    spin = dialog.strengths["rotate"]
    spin.selectAll()
    QTest.keyClicks(spin, "45")
    QTest.keyClick(spin, Qt.Key.Key_Return)
    assert window.workspace.config.augment == "crop=0.3,flip,rotate=45"
    jitter = dialog.checks["jitter"]
    assert not jitter.isEnabled() and "colour pictures" in jitter.toolTip()  # gray digits
    _click(dialog.checks["crop"])  # off again
    assert window.workspace.config.augment == "flip,rotate=45"


def test_points_and_transfer_say_why_in_one_line(window, qtbot):
    dialog = _open_dialog(window, qtbot, menu=True)
    _click(dialog.flip)
    window.workspace.apply_preset("transfer")  # the frozen EfficientNet features
    assert "caches them: turn augmentation off" in dialog.note.text()
    summary = window.training.augment.summary.text()
    assert summary == "⚠ flip: excludes transfer learning's cached features"
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, "xor")
    assert "xor holds 2-D points" in dialog.note.text()
    assert not dialog.flip.isEnabled() and not dialog.checks["crop"].isEnabled()


def test_without_kornia_the_controls_are_off_with_the_reason(qtbot, monkeypatch):
    monkeypatch.setitem(sys.modules, "kornia", None)
    w = open_window(qtbot)
    try:
        row = w.training.augment
        assert not row.button.isEnabled() and not w.findChild(QAction, "augment").isEnabled()
        assert row.summary.text() == 'Augmentation needs Kornia: pip install -e ".[augment]"'
        w.workspace.set_config(replace(w.workspace.config, augment="flip"))  # as a project has
        assert row.summary.text().startswith("flip: augmentation needs Kornia")
        assert row.button.isEnabled() and row.button.text() == "Turn off"
        QTest.mouseClick(row.button, LEFT)
        assert w.workspace.config.augment == "" and not row.button.isEnabled()
    finally:
        w.workspace.files.dirty = False
        w.close()
