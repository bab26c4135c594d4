"""The Data set menu's conversations: choose an image folder, see its classes, then the
workspace loads it; make classes of your own photos."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from playground.core.data.ref import DatasetRef
from playground.ui.state.guard import WEIGHTS
from playground.ui.state.tasks import Task, stateless
from playground.ui.state.workspace import Workspace


class DatasetCommands:
    def __init__(self, window: QWidget, workspace: Workspace) -> None:
        self.window, self.ws = window, workspace
        self.preview = None  # the folder preview dialog while it is open
        self.classes = None  # the dialog of the classes of your photos, once opened

    def choose(self, ref: DatasetRef) -> bool:
        """Load another data set in place of this one, asked first when that resets unsaved
        trained weights; False if the person cancelled."""
        what = f"The data set {Path(ref.source).name or ref.source}"
        return self.ws.guard.confirm(what, lambda: self.ws.choose_dataset(ref), WEIGHTS)

    def add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self.window,
            "Image folder: one sub-folder of images per class (the folder names are the "
            "class names)",
        )
        if path:
            self.look_at(Path(path))

    def open_table(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Table: a CSV or TSV file with a header line",
            "",
            "Tables (*.csv *.tsv *.tab *.txt);;All files (*)",
        )
        if path:
            self.look_at_table(Path(path))

    def look_at_table(self, path: Path) -> Task:
        """Read the table off the GUI thread, then show it with the choice of its target and
        inputs; a file that is no table is refused with the reason."""
        from playground.core.data.table import read_table

        task = self.ws.tasks.start(f"Reading {path.name}", stateless(read_table), path)
        task.done.connect(lambda table: self._show_table(path, table))
        task.failed.connect(lambda e: self.ws.refuse(f"Cannot load {path.name}", e))
        return task

    def _show_table(self, path: Path, table) -> None:
        from playground.ui.dialogs.table_preview import TablePreviewDialog

        self.preview = dialog = TablePreviewDialog(str(path), table, self.window)
        dialog.accepted.connect(lambda: self.choose(dialog.ref()))
        dialog.finished.connect(lambda: setattr(self, "preview", None))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def look_at(self, root: Path) -> Task:
        """Count the folder's classes and make their thumbnails off the GUI thread, then show
        them; a folder that cannot be a data set is refused with the reason."""
        from playground.core.data.preview import folder_preview

        task = self.ws.tasks.start(f"Looking at {root.name}", stateless(folder_preview), root)
        task.done.connect(lambda classes: self._show(root, classes))
        task.failed.connect(lambda e: self.ws.refuse(f"Cannot load {root.name}", e))
        return task

    def _show(self, root: Path, classes: list) -> None:
        from playground.core.data.preview import folder_ref, loads_as
        from playground.ui.dialogs.folder_preview import FolderPreviewDialog

        ref = folder_ref(root, self.ws.document.spec)
        self.preview = dialog = FolderPreviewDialog(root, classes, loads_as(ref), self.window)
        dialog.accepted.connect(lambda: self.choose(ref))
        dialog.finished.connect(lambda: setattr(self, "preview", None))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def open_classes(self) -> None:
        """The classes of your photos: those of the data set when it is such a folder, else
        the project's (beside it, or under the app's home while it is unsaved)."""
        from playground.core.data.photo_classes import PhotoClasses, classes_folder, owned
        from playground.ui.dialogs.photo_classes import PhotoClassesDialog
        from playground.ui.state.project_files import app_home

        d, home = self.ws.dataset, app_home()
        source = Path(d.ref.source) if d is not None else None
        if source is not None and source.is_dir() and owned(source, home):
            root = source
        else:
            root = classes_folder(self.ws.files.path, home)
        if self.classes is not None:
            self.classes.close()
        classes = PhotoClasses(root)
        self.classes = PhotoClassesDialog(classes, self.ws.tasks, self._use, self.window)
        self.classes.show()

    def _use(self, root: Path) -> None:
        """Train on the classes: the transfer preset (unless the network already starts with
        the pretrained backbone), the folder loaded as its photos."""
        from playground.core.data.ref import photo_folder
        from playground.core.model.efficientnet import BACKBONE

        def use() -> None:
            layers = self.ws.document.spec.layers
            if not layers or layers[0].type != BACKBONE:
                self.ws.apply_preset("transfer")
            self.ws.choose_dataset(photo_folder(root))
            self.classes.accept()

        self.ws.guard.confirm("Training on these classes", use, WEIGHTS)
