"""The menu bar: builds the actions and connects them to the window's methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from playground.core.presets import PRESETS

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

EXPORTS = [
    ("onnx", "ONNX…", "ONNX models (*.onnx)", ".onnx"),
    ("torchscript", "TorchScript…", "TorchScript (*.pt)", ".pt"),
    ("python", "PyTorch script…", "Python scripts (*.py)", ".py"),
]


def _action(w: MainWindow, text: str, slot, shortcut=None, name: str = "") -> QAction:
    action = QAction(text, w)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.setObjectName(name)
    action.triggered.connect(lambda _=False: slot())
    return action


def build_menus(w: MainWindow) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    K = QKeySequence.StandardKey
    file_menu.addAction(_action(w, "&New", w.new_project, K.New, "new"))
    file_menu.addAction(_action(w, "&Open…", w.files.open_dialog, K.Open, "open"))
    w.recent_menu = file_menu.addMenu("Open &Recent")
    file_menu.addSeparator()
    w.save_action = _action(w, "&Save", w.files.save, K.Save, "save")
    w.save_as_action = _action(
        w, "Save &As…", w.files.save_as, QKeySequence("Ctrl+Shift+S"), "saveAs"
    )
    file_menu.addActions([w.save_action, w.save_as_action])
    w.export_menu = file_menu.addMenu("&Export")
    for fmt, text, _, _ in EXPORTS:
        w.export_menu.addAction(_action(w, text, lambda f=fmt: w.export(f), name=f"export-{fmt}"))
    file_menu.addSeparator()
    file_menu.addAction(_action(w, "&Quit", w.close, K.Quit, "quit"))

    edit = bar.addMenu("&Edit")
    w.undo_action = _action(w, "&Undo", w.document.undo, K.Undo, "undo")
    w.redo_action = _action(w, "&Redo", w.document.redo, None, "redo")
    w.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    edit.addActions([w.undo_action, w.redo_action])

    network = bar.addMenu("&Network")
    presets = network.addMenu("&Presets")
    for key, (title, _) in PRESETS.items():
        presets.addAction(_action(w, title, lambda k=key: w.apply_preset(k), name=f"preset-{key}"))
    w.network_menu = network

    view = bar.addMenu("&View")
    view.addAction(_action(w, "Save current view as &PNG…", w.save_view_png, None, "savePng"))
