"""The File menu's conversations: unsaved-changes questions and file choosers, then the
workspace does the work. Saving is a task, so what follows a save (closing, opening another
file) waits for it to succeed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from playground.core.data.ref import DatasetRef
from playground.core.errors import PlaygroundError
from playground.core.io.export_formats import FORMATS
from playground.core.io.project import SUFFIX
from playground.ui.state.guard import WEIGHTS, WHOLE
from playground.ui.state.project_files import recovery_path
from playground.ui.state.tasks import stateless
from playground.ui.state.workspace import Workspace

FILTER = f"Neural Playground projects (*{SUFFIX})"
MODEL_FILTER = "PyTorch modules or ONNX models (*.py *.onnx)"
Button = QMessageBox.StandardButton


class FileCommands:
    def __init__(self, window: QWidget, workspace: Workspace) -> None:
        self.window, self.ws = window, workspace
        self._asking = False  # the unsaved-changes question is open

    def ask_to_save(self, why: str = "") -> str:
        """'save', 'discard' or 'cancel': the person's answer about unsaved changes."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"Save the changes to {self.ws.files.display_name} first?",
            Button.Save | Button.Discard | Button.Cancel,
            self.window,
        )
        box.setInformativeText(why)
        box.setDefaultButton(Button.Save)
        answer = box.exec()
        return {Button.Save: "save", Button.Discard: "discard"}.get(answer, "cancel")

    def confirm(self, what: str, then: Callable[[], None], loses: str = WHOLE) -> bool:
        """The window's guard of the work (see state/guard.py): asks first when unsaved work
        would be lost, then runs then() once it is saved or discarded; False if cancelled."""
        if not self.ws.would_lose(loses):
            then()
            return True
        if self._asking:  # a second request while the question is open (a focus change)
            return False
        lost = "the trained weights" if loses != WHOLE else "the network, its weights and runs"
        self._asking = True
        try:
            answer = self.ask_to_save(f"{what} replaces {lost}.")
        finally:
            self._asking = False
        if answer == "save":
            self.save(then)
        elif answer == "discard":
            then()
        return answer != "cancel"

    def new(self) -> None:
        self.confirm("A new project", self.ws.new)

    def open_dialog(self) -> None:
        def pick() -> None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Open project", self.ws.files.folder(), FILTER
            )
            if path:
                self.ws.open(Path(path))

        self.confirm("Opening a project", pick)

    def open_path(self, path: Path) -> None:
        self.confirm(f"Opening {Path(path).name}", lambda: self.ws.open(Path(path)))

    def import_model(self) -> None:
        """File ▸ Import model…: a PyTorch module (.py, then its class) or an ONNX file, traced
        on inputs shaped as the current data set's, in place of the work."""

        def pick() -> None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Import a model", self.ws.files.folder(), MODEL_FILTER
            )
            source = path and self._model_source(Path(path))
            if source:
                self._import(source)

        self.confirm("Importing a model", pick)

    def _model_source(self, path: Path) -> str:
        """path, or FILE.py:CLASS with the class the person chose; empty when cancelled."""
        if path.suffix != ".py":
            return str(path)
        from playground.core.io.model_import import module_classes

        try:
            classes = module_classes(path)
        except PlaygroundError as e:
            self.ws.refuse(f"Could not import {path.name}", e)
            return ""
        if not classes:
            self.ws.error.emit(f"{path.name} defines no nn.Module class to import.")
            return ""
        name, chosen = QInputDialog.getItem(
            self.window,
            "Import a model",
            f"The module of {path.name} to bring in:",
            classes,
            len(classes) - 1,
            False,
        )
        return f"{path}:{name}" if chosen else ""

    def _import(self, source: str) -> None:
        from playground.core.io.model_import import import_model

        name = Path(source.rpartition(":")[0] or source).name
        shape = tuple(self.ws.document.spec.input_shape)
        ref = self.ws.dataset.ref if self.ws.dataset is not None else DatasetRef("mnist5k")
        task = self.ws.tasks.start(f"Importing {name}", stateless(import_model), source, shape, ref)
        task.done.connect(lambda project: self.ws.open_project(project, name, keep_dataset=True))
        task.failed.connect(lambda e: self.ws.refuse(f"Could not import {name}", e))

    def open_trained(self, key: str) -> None:
        """Network ▸ Pretrained: a network that ships trained in place of the work."""
        from playground.core.io.pretrained import PRETRAINED_NETWORKS

        self.confirm(f"The {PRETRAINED_NETWORKS[key][0]}", lambda: self.ws.open_trained(key))

    def apply_preset(self, key: str) -> None:
        """Network ▸ Presets: an undoable edit, asked first when it strands trained weights."""
        from playground.core.model.presets import PRESETS

        what = f"The preset {PRESETS[key][0]}"
        self.confirm(what, lambda: self.ws.apply_preset(key), WEIGHTS)

    def save(self, then: Callable[[], None] | None = None) -> None:
        path = self.ws.files.path
        if path is None:
            self.save_as(then)
        else:
            self.ws.save(path, then)

    def save_as(self, then: Callable[[], None] | None = None) -> None:
        start = str(Path(self.ws.files.folder()) / f"{self.ws.files.display_name}{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project", start, FILTER)
        if path:
            path = Path(path)
            if path.suffix != SUFFIX:
                path = path.with_name(path.name + SUFFIX)
            self.ws.save(path, then)

    def export(self, key: str) -> None:
        fmt = FORMATS[key]
        start = str(Path(self.ws.files.folder()) / f"{self.ws.files.display_name}{fmt.suffix}")
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export {fmt.title}", start, fmt.file_filter
        )
        if path:
            self.ws.export(key, Path(path))

    def offer_recovery(self) -> bool:
        """After a crash: offer the recovery file back; True if its opening started."""
        path = recovery_path()
        if not path.exists():
            return False
        when = time.strftime("%d %b %Y %H:%M", time.localtime(path.stat().st_mtime))
        answer = QMessageBox.question(
            self.window,
            "Recover unsaved work?",
            "Neural Playground did not close properly. Restore the unsaved work autosaved on "
            f"{when}?",
            Button.Yes | Button.No,
            Button.Yes,
        )
        if answer != Button.Yes:
            self.ws.discard_recovery()
            return False
        self.ws.open(None, recovered=True)
        return True
