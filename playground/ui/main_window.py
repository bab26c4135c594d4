"""The main window: lays out the parts and wires them together.

It opens before PyTorch has loaded (see startup.py): the modules that import torch (data
loading, devices, inference, export) are imported where they are first used, after that.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.ref import DatasetRef, bundled_shape
from playground.core.errors import PlaygroundError
from playground.core.events import Finished, StepMetrics
from playground.core.history import History
from playground.core.presets import PRESETS, preset
from playground.core.project import SUFFIX, Project
from playground.core.spec import NetworkSpec
from playground.ui.menus import EXPORTS, build_menus
from playground.ui.panels.inspector import LayerInspector
from playground.ui.panels.palette import LayerPalette
from playground.ui.panels.stack_view import NetworkStackView
from playground.ui.panels.training_panel import TrainingPanel
from playground.ui.state.document import NetworkDocument
from playground.ui.state.project_files import ProjectFiles
from playground.ui.state.session import RUNNING, TrainingSession
from playground.ui.state.startup import StartupLoader
from playground.ui.views.classify_view import ClassifyView
from playground.ui.views.curves_view import CurvesView
from playground.ui.views.tabs import ViewTabs
from playground.ui.widgets.banner import MessageBanner

if TYPE_CHECKING:
    from PIL import Image
    from torch import nn

    from playground.core.data.dataset import Dataset
    from playground.core.inference import Prediction

DEFAULT_DATASET = "mnist5k"
DEFAULT_PRESET = "small-cnn"


def _default_network() -> tuple[NetworkSpec, int]:
    """The network a new window or project starts with, and its data set's class count."""
    shape, classes = bundled_shape(DEFAULT_DATASET)
    return preset(DEFAULT_PRESET, shape, len(classes)), len(classes)


def _panel(title: str, *widgets: QWidget, stretch_last: bool = True) -> QFrame:
    frame = QFrame()
    frame.setObjectName("panel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 8, 10, 10)
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    layout.addWidget(label)
    for i, w in enumerate(widgets):
        layout.addWidget(w, 1 if stretch_last and i == len(widgets) - 1 else 0)
    return frame


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.dataset: Dataset | None = None  # until the start-up loader brings it
        self.document = NetworkDocument(*_default_network(), self)
        self.session = TrainingSession(self)
        self._inference_model: nn.Module | None = None
        self._inference_key: tuple | None = None
        self._device_text = ""  # named once PyTorch has loaded (finish_startup)
        self.loader = StartupLoader(DatasetRef(DEFAULT_DATASET), self)
        self._started = False
        self.files = ProjectFiles(self, self.snapshot_project, self.restore_project)
        self._build()
        build_menus(self)
        self._wire()
        self.training.set_loading(True)
        self.stack.set_dataset_label(f"{DEFAULT_DATASET} · loading…")
        self._update_undo_actions()
        self._show_recent(self.files.recent())
        self._set_title(self.files.display_name, False)
        self.setAcceptDrops(True)
        self.resize(1440, 880)

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.palette_view = LayerPalette()
        self.inspector = LayerInspector(self.document)
        self.stack = NetworkStackView(self.document)
        scroll = QScrollArea()
        scroll.setObjectName("stackScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.stack)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.training = TrainingPanel()
        self.banner = MessageBanner()
        self.curves = CurvesView()
        self.classify_view = ClassifyView(self.classify_image)
        self.views = ViewTabs(self.session, self.curves, self.classify_view)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(_panel("Palette", self.palette_view))
        left.addWidget(_panel("Inspector", self.inspector))
        left.setSizes([560, 260])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(_panel("Training", self.training, stretch_last=False))
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.views, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(_panel("Network", scroll))
        splitter.addWidget(right)
        splitter.setSizes([250, 430, 760])
        splitter.setChildrenCollapsible(False)
        central = QWidget()
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Loading PyTorch…")

    def _wire(self) -> None:
        stack = self.document.undo_stack
        for signal in (stack.indexChanged, stack.cleanChanged, self.document.lockedChanged):
            signal.connect(self._update_undo_actions)
        f = self.files
        f.titleChanged.connect(self._set_title)
        f.recentChanged.connect(self._show_recent)
        f.error.connect(self.banner.show_error)
        f.saved.connect(lambda path: self.statusBar().showMessage(f"Saved {path}", 5000))
        self.document.changed.connect(f.mark_dirty)
        self.training.settingsEdited.connect(f.mark_dirty)
        self.stack.selectionChanged.connect(self.inspector.show_layer)
        self.classify_view.classified.connect(self.views.show_prediction)
        self.document.lockedChanged.connect(self._lock_editing)
        t = self.training
        t.datasetRequested.connect(self.choose_dataset)
        t.trainClicked.connect(self.train)
        t.pauseClicked.connect(self._toggle_pause)
        t.stopClicked.connect(self.session.stop)
        t.resetClicked.connect(self.reset)
        s = self.session
        s.stateChanged.connect(t.set_state)
        s.stepped.connect(self._on_step)
        s.epochEnded.connect(self.curves.add_epoch)
        s.deviceChosen.connect(self._on_device)
        s.finished.connect(self._on_finished)
        s.stateChanged.connect(self._update_file_actions)
        self.loader.loaded.connect(self.finish_startup)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:  # after the first paint: the window shows before torch loads
            QTimer.singleShot(0, self._start_loading)

    def _start_loading(self) -> None:
        if not self.loader.isRunning() and not self.loader.isFinished():
            self.loader.start()

    def finish_startup(self) -> None:
        """Take what the start-up loader brought (waiting for it if need be): torch is loaded
        from here on, and the default data set too unless a project brought its own."""
        if self._started:
            return
        self._start_loading()
        result = self.loader.result()
        self._started = True
        from playground.core.device import (
            device_choices,
            device_label,
            pick_device,
            set_torch_threads,
        )

        set_torch_threads(1)  # torch threads are for the training thread (see set_torch_threads)
        self.training.show_devices(device_choices())
        self._device_text = device_label(pick_device("auto"))
        self.statusBar().showMessage(f"Ready. Training device: {self._device_text}")
        self.training.set_loading(False)
        if isinstance(result, str):
            self.banner.show_error(f"Could not load the data set: {result}")
        elif self.dataset is None:
            self.dataset = result
            self._show_dataset()

    # --- actions ------------------------------------------------------------------------
    def apply_preset(self, key: str) -> None:
        if self.document.locked:
            return
        spec = preset(key, self.document.spec.input_shape, self.document.num_classes)
        self.document.replace_layers(spec, f"Preset {PRESETS[key][0]}")
        self.stack.select(-1)

    def choose_dataset(self, ref: DatasetRef) -> None:
        from playground.core.data.registry import load_dataset

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            dataset = load_dataset(ref)
        except PlaygroundError as e:
            self.banner.show_error(f"Could not load the data set: {e}")
            self.training.show_dataset(
                self.dataset.ref if self.dataset else DatasetRef(DEFAULT_DATASET)
            )
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.dataset = dataset
        self.files.mark_dirty()
        self.banner.hide()
        self.session.reset()
        self.curves.start_over()
        self.document.set_data_shape(dataset.input_shape, dataset.num_classes)
        self._show_dataset()

    def _show_dataset(self) -> None:
        d = self.dataset
        if d is None:
            return
        self.views.set_dataset(d)
        self.training.show_dataset(d.ref)
        self.stack.set_dataset_label(
            f"{d.name} · {len(d.x_train):,} train / {len(d.x_val):,} val · {d.num_classes} classes"
        )

    def train(self) -> None:
        report = self.document.report
        if self.dataset is None:
            self.banner.show_error("Choose a data set to train on first.")
            return
        if not report.ok:
            self.banner.show_error(f"The network cannot be trained yet. {report.error}.")
            return
        try:
            config = self.training.config()
        except PlaygroundError as e:
            self.banner.show_error(str(e))
            return
        self.banner.hide()
        if self.document.spec != self.session.spec and self.session.spec is not None:
            self.curves.start_over()
        self.document.set_locked(True)
        self.training.start_run(
            self.session.history.epochs_done if self.document.spec == self.session.spec else 0
        )
        self.session.start(self.document.spec, self.dataset, config)

    def reset(self) -> None:
        self.session.reset()
        self.curves.start_over()
        self.views.gradients.clear()
        self.training.show_message("Weights reset: the next run starts from random weights")

    def _toggle_pause(self) -> None:
        if self.session.state == "paused":
            self.session.resume()
        else:
            self.session.pause()

    def _on_step(self, m: StepMetrics) -> None:
        self.curves.add_step(m)
        self.training.show_step(m, self._device_text)

    def _on_device(self, device_type: str) -> None:
        from playground.core.device import device_label, pick_device

        self._device_text = device_label(pick_device(device_type))
        self.statusBar().showMessage(f"Training on {self._device_text}")

    def _on_finished(self, f: Finished) -> None:
        self.document.set_locked(False)
        if self.session.model is not None:
            self.files.mark_dirty()
            self.files.autosave()
        last = self.session.history.epochs[-1] if self.session.history.epochs else None
        summary = f"  ·  validation accuracy {last.val_accuracy:.1%}" if last else ""
        if f.status in ("diverged", "error"):
            self.banner.show_error(f.message)
        self.training.show_message(f"{f.message}{summary}")
        self.statusBar().showMessage(f"{f.message}{summary}")

    def _update_undo_actions(self, *_: object) -> None:
        stack, locked = self.document.undo_stack, self.document.locked
        self.undo_action.setEnabled(stack.canUndo() and not locked)
        self.redo_action.setEnabled(stack.canRedo() and not locked)
        self.undo_action.setText(f"&Undo {stack.undoText()}".strip())
        self.redo_action.setText(f"&Redo {stack.redoText()}".strip())

    def _lock_editing(self, locked: bool) -> None:
        self.palette_view.setEnabled(not locked)
        self.network_menu.setEnabled(not locked)
        tip = "Stop training to edit the network" if locked else ""
        self.palette_view.setToolTip(tip)

    # --- projects -------------------------------------------------------------------------
    def snapshot_project(self) -> Project | None:
        """The window's work as a project; None while training runs (weights in flux)."""
        if self.session.state == RUNNING:
            return None
        self.finish_startup()
        s = self.session
        trained = s.model is not None and s.spec == self.document.spec
        d = self.dataset  # None only if the default data set failed to load
        return Project(
            self.document.spec,
            d.ref if d else DatasetRef(DEFAULT_DATASET),
            self.training.config(),
            d.class_names if d else [],
            d.preprocessing if d else None,
            s.model.state_dict() if trained else None,
            s.history if trained else History(),
        )

    def restore_project(self, project: Project, path: Path | None) -> bool:
        if self.session.busy:
            self.banner.show_error("Stop training before opening another project.")
            return False
        self.finish_startup()  # torch loaded, with the GUI thread's own torch work serial
        from playground.core.data.registry import load_dataset

        try:
            model = project.build_trained_model() if project.weights is not None else None
        except PlaygroundError as e:
            self.banner.show_error(f"Could not open {path.name if path else 'the project'}: {e}")
            return False
        self.banner.hide()
        try:
            self.dataset = load_dataset(project.dataset)
        except PlaygroundError as e:
            self.banner.show_error(
                f"The project's data set could not be loaded ({e}); choose a data set to train."
            )
        d = self.dataset
        self.document.load(project.spec, len(project.class_names) or (d.num_classes if d else None))
        self.training.set_config(project.config)
        self.session.load(project.spec, model, project.history)
        self.curves.previous = None
        self.curves.set_history(project.history)
        self._show_dataset()
        self.stack.select(-1)
        return True

    def new_project(self) -> None:
        def reset() -> None:
            if self.session.busy:
                self.session.shutdown()
            spec, _ = _default_network()
            self.restore_project(Project(spec, DatasetRef(DEFAULT_DATASET)), None)

        self.files.new(reset)

    def open_project(self, path: Path) -> bool:
        return self.files.confirm_discard() and self.files.open(Path(path))

    def save_view_png(self) -> None:
        try:
            path = self.views.save_png()
        except OSError as e:
            self.banner.show_error(f"Could not save the picture: {e}")
            return
        if path:
            self.statusBar().showMessage(f"Saved {path}", 5000)

    def export(self, fmt: str) -> None:
        project = self.snapshot_project()
        if project is None or project.weights is None:
            self.banner.show_error("Train the network (and stop or pause it) before exporting.")
            return
        _, title, pattern, suffix = next(e for e in EXPORTS if e[0] == fmt)
        start = str(Path.home() / f"{self.files.display_name}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, f"Export {title.rstrip('…')}", start, pattern)
        if not path:
            return
        from playground.core.export import export_project

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            files = export_project(project, fmt, path, self.dataset)
        except PlaygroundError as e:
            self.banner.show_error(f"Export failed: {e}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.banner.show_info("Exported " + ", ".join(str(f) for f in files))

    def _set_title(self, name: str, modified: bool) -> None:
        self.setWindowTitle(f"{name}[*] — Neural Playground")
        self.setWindowModified(modified)

    def _show_recent(self, paths: list[Path]) -> None:
        self.recent_menu.clear()
        for path in paths:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        self.recent_menu.setEnabled(bool(paths))

    def _update_file_actions(self, state: str) -> None:
        for action in (self.save_action, self.save_as_action):
            action.setEnabled(state != RUNNING)
        self.export_menu.setEnabled(state != RUNNING)

    # --- drops on the window -------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        projects = [p for p in paths if p.suffix == SUFFIX]
        if projects:
            self.open_project(projects[0])
        else:
            self.drop_files(paths)

    def drop_files(self, paths: list[Path]) -> None:
        """Images dropped on the window are classified (the first, if several)."""
        self.views.setCurrentWidget(self.classify_view)
        if not paths:
            self.classify_view.show_error("Only files on this computer can be dropped.")
            return
        self.classify_view.classify_path(paths[0])
        if len(paths) > 1:
            self.statusBar().showMessage(
                f"{len(paths)} files dropped: classified {paths[0].name}, the first. "
                "`playground classify` takes many at once.",
                8000,
            )

    def classify_image(self, img: Image.Image) -> Prediction:
        """The trained network's answer for img; PlaygroundError saying why there is none."""
        s = self.session
        if s.model is None:
            raise PlaygroundError(
                "Train the network first (or open a trained project): an untrained network "
                "can only guess."
            )
        if s.spec != self.document.spec:
            raise PlaygroundError("The network was edited since it was trained: train it again.")
        from playground.core.device import serial_torch
        from playground.core.inference import classify, inference_copy

        key = (id(s.model), s.history.last_step)
        if s.state == RUNNING or self._inference_key != key:
            with serial_torch():
                self._inference_model, self._inference_key = inference_copy(s.model), key
        d = self.dataset
        with serial_torch():
            return classify(self._inference_model, img, d.preprocessing, d.class_names, top_k=5)

    def closeEvent(self, event) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.session.shutdown()
        self.loader.wait()  # at most the rest of torch's import
        self.files.discard_recovery()
        super().closeEvent(event)
