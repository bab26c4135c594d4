"""The menu bar: its actions, each connected to what it asks for; the window keeps the bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from playground.core.io.export_formats import FORMATS
from playground.core.io.pretrained import PRETRAINED_NETWORKS
from playground.core.model.presets import PRESETS

K = QKeySequence.StandardKey


@dataclass
class Menus:
    """The actions and menus whose state changes while the app runs."""

    recent: QMenu
    save: QAction
    save_as: QAction
    export: QMenu
    undo: QAction
    redo: QAction
    network: QMenu
    train: QAction
    step: QAction
    pause: QAction
    stop: QAction
    reset: QAction
    help_text: str  # the shortcuts, as Help ▸ Keyboard shortcuts lists them


def action(
    window: QMainWindow, text: str, slot: Callable[[], object], shortcut=None, name: str = ""
) -> QAction:
    a = QAction(text, window)
    if shortcut is not None:
        a.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
    a.setObjectName(name)
    a.triggered.connect(lambda _=False: slot())
    return a


def build_menus(w, files, ws, training, views, datasets) -> Menus:
    """w: the window; files: FileCommands; ws: the Workspace; training: the training panel;
    datasets: DatasetCommands."""
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(action(w, "&New", files.new, K.New, "new"))
    file_menu.addAction(action(w, "&Open…", files.open_dialog, K.Open, "open"))
    recent = file_menu.addMenu("Open &Recent")
    file_menu.addAction(action(w, "&Import model…", files.import_model, None, "importModel"))
    file_menu.addSeparator()
    save = action(w, "&Save", files.save, K.Save, "save")
    save_as = action(w, "Save &As…", files.save_as, "Ctrl+Shift+S", "saveAs")
    file_menu.addActions([save, save_as])
    export = file_menu.addMenu("&Export")
    for key, fmt in FORMATS.items():
        export.addAction(
            action(w, f"{fmt.title}…", lambda k=key: files.export(k), name=f"export-{key}")
        )
    file_menu.addSeparator()
    file_menu.addAction(action(w, "&Quit", w.close, K.Quit, "quit"))

    edit = bar.addMenu("&Edit")
    undo = action(w, "&Undo", ws.document.undo, K.Undo, "undo")
    redo = action(w, "&Redo", ws.document.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], "redo")
    edit.addActions([undo, redo])

    data = bar.addMenu("&Data set")
    data.addAction(action(w, "&Paint…", w.paint, None, "paint"))
    data.addAction(action(w, "Open &table…", datasets.open_table, None, "openTable"))
    data.addAction(action(w, "Add image &folder…", datasets.add_folder, None, "addFolder"))
    data.addAction(
        action(w, "&Classes of your photos…", datasets.open_classes, None, "photoClasses")
    )

    network = bar.addMenu("&Network")
    presets = network.addMenu("&Presets")
    for key, (title, _) in PRESETS.items():
        choose = action(w, title, lambda k=key: files.apply_preset(k), name=f"preset-{key}")
        presets.addAction(choose)

    pretrained = network.addMenu("P&retrained")
    for key, (title, _) in PRETRAINED_NETWORKS.items():
        pretrained.addAction(
            action(w, title, lambda k=key: files.open_trained(k), name=f"pretrained-{key}")
        )

    network.addSeparator()
    graph = action(w, "&Draw branches / show as a stack", w.network.toggle_mode, None, "graph")
    fold = action(w, "&Fold the selected cards into a block", w.canvas.fold_selection, "Ctrl+G")
    unfold = action(w, "&Unfold the selected block", w.canvas.unfold_selection, "Ctrl+Shift+G")
    network.addActions([graph, fold, unfold])

    run = bar.addMenu("&Training")
    t = training
    train = action(w, "&Train / Continue", t.train_button.click, ["F5", "Ctrl+Return"], "train")
    step = action(w, "St&ep one mini-batch", t.step_button.click, "F10", "step")
    pause = action(w, "&Pause / Resume", t.pause_button.click, "F6", "pause")
    stop = action(w, "&Stop", t.stop_button.click, "Shift+F5", "stop")
    reset = action(w, "&Reset weights", t.reset_button.click, "Ctrl+Shift+R", "reset")
    run.addActions([train, step, pause, stop, reset])
    run.addSeparator()
    augment = action(w, "&Augment…", t.augment.button.click, None, "augment")
    run.addAction(augment)
    augment.setEnabled(t.augment.button.isEnabled())  # off, like the button, without Kornia
    run.addAction(action(w, "S&weep…", w.show_sweep_dialog, None, "sweep"))

    view = bar.addMenu("&View")
    view.addAction(action(w, "Save current view as &PNG…", views.save_png_dialog, None, "savePng"))
    learn = w.learn_dock.toggleViewAction()
    learn.setText("&Learn: concepts, each shown in the window")
    learn.setObjectName("learn")
    learn.setShortcut(QKeySequence("F1"))
    view.addAction(learn)
    practice = w.practice_dock.toggleViewAction()
    practice.setText("&Practice: challenges that check themselves")
    practice.setObjectName("practice")
    practice.setShortcut(QKeySequence("F2"))
    view.addAction(practice)
    code = w.code_dock.toggleViewAction()
    code.setText("&Code: the network as a PyTorch module")
    code.setObjectName("code")
    code.setShortcut(QKeySequence("Ctrl+Shift+K"))
    view.addAction(code)

    help_menu = bar.addMenu("&Help")
    help_text = _shortcuts_text(
        [
            ("Train / Continue", train),
            ("Step one mini-batch", step),
            ("Pause / Resume", pause),
            ("Stop", stop),
            ("Reset weights", reset),
            ("Undo", undo),
            ("Redo", redo),
            ("Save", save),
            ("Fold cards into a block", fold),
            ("Unfold a block", unfold),
            ("Learn panel", learn),
            ("Practice panel", practice),
        ]
    )
    help_menu.addAction(learn)
    help_menu.addAction(action(w, "&Keyboard shortcuts", w.show_shortcuts, None, "shortcuts"))
    help_menu.addAction(
        action(w, "Training on a &cluster (torchrun)…", w.show_cluster_page, None, "cluster")
    )
    help_menu.addAction(action(w, "&About Neural Playground", w.show_about, None, "about"))
    return Menus(
        recent,
        save,
        save_as,
        export,
        undo,
        redo,
        network,
        train,
        step,
        pause,
        stop,
        reset,
        help_text,
    )


def _shortcuts_text(named: list[tuple[str, QAction]]) -> str:
    native = QKeySequence.SequenceFormat.NativeText
    rows = [f"{name}: {', '.join(k.toString(native) for k in a.shortcuts())}" for name, a in named]
    return "\n".join(
        [
            *rows,
            "Delete: remove the selected card (or wire, on the graph canvas)",
            "Ctrl+V on the Classify tab: classify the image on the clipboard",
        ]
    )
