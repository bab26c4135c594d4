"""The main window: lays out the panels and views and wires them to the workspace.

It opens before PyTorch has loaded (see state/startup.py). Every piece of state lives in the
Workspace; the window owns none of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.core.io.cluster import cluster_instructions
from playground.core.io.project import SUFFIX
from playground.ui.dataset_commands import DatasetCommands
from playground.ui.dialogs.text_page import TextPage
from playground.ui.file_commands import FileCommands
from playground.ui.lesson_runner import LessonRunner
from playground.ui.logs import log_path
from playground.ui.menus import build_menus
from playground.ui.panels.activation_curve import ActivationCurve
from playground.ui.panels.code_panel import CodePanel
from playground.ui.panels.inspector import LayerInspector
from playground.ui.panels.learn_panel import LearnPanel, fit_dock
from playground.ui.panels.network_panel import NetworkPanel
from playground.ui.panels.palette import LayerPalette
from playground.ui.practice_runner import practice_dock
from playground.ui.state.project_files import app_settings
from playground.ui.state.session import SessionState
from playground.ui.state.workspace import Workspace
from playground.ui.view_assembly import build_training_panel, build_view_tabs
from playground.ui.widgets.banner import MessageBanner
from playground.ui.widgets.file_drops import FileDropTarget
from playground.ui.widgets.redraw import set_budgeted
from playground.ui.widgets.scroll import scrolled
from playground.ui.widgets.start_card import StartCard
from playground.ui.widgets.task_bar import TaskBar
from playground.ui.widgets.theme import style_window

if TYPE_CHECKING:
    from playground.ui.dialogs.augment import AugmentDialog


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


def _scrolled(widget: QWidget) -> QScrollArea:
    """widget in a vertical scroll area: what does not fit scrolls instead of being squeezed."""
    scroll = scrolled(widget)
    scroll.setObjectName("panelScroll")
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return scroll


class MainWindow(FileDropTarget, QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.workspace = ws = Workspace(self)
        self.files = FileCommands(self, ws)
        ws.guard = self.files  # every replacement of the work asks here first
        self.datasets = DatasetCommands(self, ws)
        self._after_stop = None  # what to do once a run stopped for closing has ended
        self.augment_dialog: AugmentDialog | None = None  # made when first asked for
        self._build()
        self.menus = build_menus(self, self.files, ws, self.training, self.views, self.datasets)
        self._wire()
        self._update_undo()
        self._show_recent(ws.files.recent())
        self._set_title(ws.files.display_name, False)
        self.network.set_dataset_label(f"{ws.loader.ref.source} · loading…")
        self.setAcceptDrops(True)
        self.resize(1440, 880)
        style_window(self)  # last: see its docstring

    def paint(self) -> None:
        """Data set ▸ Paint…: the Boundary tab with the brush on."""
        self.views.setCurrentWidget(self.views.boundary)
        self.views.boundary.start_painting()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        ws = self.workspace
        self.palette_view = LayerPalette()
        curve = ActivationCurve(ws.session)
        ws.readyChanged.connect(curve.set_ready)
        self.inspector = LayerInspector(ws.document, curve)
        self.network = NetworkPanel(ws.document)
        self.stack, self.canvas = self.network.stack, self.network.canvas
        scroll = self.network.scroll
        # The splitter must not squeeze the cards below their own width: their right-hand
        # column (output shape, parameters) would be cut off.
        scroll.setMinimumWidth(
            self.stack.minimumWidth() + scroll.verticalScrollBar().sizeHint().width()
        )
        self.training = build_training_panel(ws)
        self.banner = MessageBanner()
        self.start_card = StartCard(app_settings(), self._open_learn)
        self.task_bar = TaskBar()
        self.views = build_view_tabs(ws, self)
        runner = LessonRunner(ws, self.training, self.views, self.network)
        self.learn_dock = QDockWidget("Learn", self)
        self.learn_dock.setObjectName("learnDock")
        self.learn_dock.setWidget(LearnPanel(runner.run))
        self.learn_dock.setMinimumWidth(280)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.learn_dock)
        self.learn_dock.hide()  # opened from View ▸ Learn (F1)
        self.code_dock = QDockWidget("Code", self)
        self.code_dock.setObjectName("codeDock")
        self.code_dock.setWidget(CodePanel(self.workspace.document))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.code_dock)
        self.code_dock.hide()  # opened from View ▸ Code
        self.learn_dock.visibilityChanged.connect(
            lambda shown: shown and fit_dock(self.learn_dock, self)
        )
        self.practice_dock = practice_dock(self, ws)
        self.curves, self.classify_view = self.views.curves, self.views.classify

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(_panel("Palette", self.palette_view))
        left.addWidget(_panel("Inspector", _scrolled(self.inspector)))
        left.setSizes([400, 420])  # the inspector: room for a layer's form or curve
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(_panel("Training", self.training, stretch_last=False))
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.views.group_bar)
        right_layout.addWidget(self.views, 1)
        self.start_card.float_over(self.views)  # over the empty views: no height of its own
        # slow work shows in the status bar: a row of its own above the views made the window
        # taller than 700 px whenever it came
        self.statusBar().addPermanentWidget(self.task_bar)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(_panel("Network", self.network))
        splitter.addWidget(right)
        left.setMinimumWidth(160)
        splitter.setSizes([200, 300, 1000])  # the cards at their width, the rest to the views
        # A change of the window's width goes to the views, a little to the palette; the cards
        # keep their width.
        for i, stretch in enumerate((1, 0, 6)):
            splitter.setStretchFactor(i, stretch)
        splitter.setChildrenCollapsible(False)
        central = QWidget()
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Loading PyTorch…")

    def _wire(self) -> None:
        ws, doc, t = self.workspace, self.workspace.document, self.training
        for signal in (doc.undo_stack.indexChanged, doc.undo_stack.cleanChanged):
            signal.connect(self._update_undo)
        doc.lockedChanged.connect(self._lock_editing)
        ws.files.titleChanged.connect(self._set_title)
        ws.files.recentChanged.connect(self._show_recent)
        ws.error.connect(self.banner.show_error)
        ws.info.connect(self.banner.show_info)
        ws.messagesOutdated.connect(self.banner.hide)
        ws.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ws.readyChanged.connect(self._on_ready)
        ws.datasetChanged.connect(self._show_dataset)
        ws.tasks.started.connect(self.task_bar.follow)
        self.network.selectionChanged.connect(self.inspector.show_layer)
        self.network.blockSelected.connect(self.inspector.show_block)
        self.network.problem.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.network.graphShown.connect(self._widen_network)
        t.datasetRequested.connect(self.datasets.choose)
        t.folderRequested.connect(self.datasets.add_folder)
        t.paintRequested.connect(self.paint)
        t.tableRequested.connect(self.datasets.open_table)
        t.trainClicked.connect(ws.train)
        t.stepClicked.connect(ws.step)
        t.pauseClicked.connect(self._toggle_pause)
        t.stopClicked.connect(ws.session.stop)
        t.resetClicked.connect(ws.reset)
        t.controlsChanged.connect(self._mirror_controls)
        t.options.findLrRequested.connect(self.find_lr)
        t.augment.dialogRequested.connect(self.show_augment_dialog)
        ws.session.stateChanged.connect(self._update_file_actions)
        # live views yield CPU time to the training thread while it runs
        ws.session.stateChanged.connect(lambda state: set_budgeted(state == SessionState.RUNNING))
        ws.session.finished.connect(self._run_ended)
        # the card says where to start: once the person trains, or looks at another view, it
        # would only cover what they came to see
        ws.session.stateChanged.connect(
            lambda state: state == SessionState.RUNNING and self.start_card.dismissed()
        )
        self.views.currentChanged.connect(self.start_card.hide)
        self._mirror_controls()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.workspace.ready:  # after the first paint: the window shows before torch
            QTimer.singleShot(0, self.workspace.start_loading)

    # --- following the state --------------------------------------------------------------
    def _on_ready(self) -> None:
        from playground.core.training.device import device_choices

        self.training.show_devices(device_choices())
        self._show_dataset()

    def _show_dataset(self) -> None:
        d, recipe = self.workspace.dataset, self.workspace.recipe()
        if d is not None:
            self.network.set_dataset_label(
                f"{d.name} · {len(d.x_train):,} train / {len(d.x_val):,} val · "
                f"{d.num_classes} classes"
            )
        elif recipe is not None:
            self.network.set_dataset_label(f"no data set · classifies {len(recipe[0]):,} classes")
        self.network.select(-1)

    def _widen_network(self, graph: bool) -> None:
        """A graph's lanes need room side by side: the canvas takes some of the views' width
        (and gives it back for a stack)."""
        left, middle, right = self.splitter.sizes()
        want = max(self.network.scroll.minimumWidth(), min(600, (middle + right) * 9 // 20))
        if not graph:
            want = self.network.scroll.minimumWidth() + 24
        if want != middle:
            self.splitter.setSizes([left, want, middle + right - want])

    def _toggle_pause(self) -> None:
        s = self.workspace.session
        s.resume() if s.state == SessionState.PAUSED else s.pause()

    def _mirror_controls(self) -> None:
        """The Training menu's actions are enabled as the panel's buttons are."""
        t, m = self.training, self.menus
        pairs = (
            (m.train, t.train_button),
            (m.step, t.step_button),
            (m.pause, t.pause_button),
            (m.stop, t.stop_button),
        )
        for a, button in (*pairs, (m.reset, t.reset_button)):
            a.setEnabled(button.isEnabled())

    def _update_undo(self, *_: object) -> None:
        doc = self.workspace.document
        stack, locked = doc.undo_stack, doc.locked
        self.menus.undo.setEnabled(stack.canUndo() and not locked)
        self.menus.redo.setEnabled(stack.canRedo() and not locked)
        self.menus.undo.setText(f"&Undo {stack.undoText()}".strip())
        self.menus.redo.setText(f"&Redo {stack.redoText()}".strip())

    def _lock_editing(self, locked: bool) -> None:
        self.palette_view.setEnabled(not locked)
        self.menus.network.setEnabled(not locked)
        self.palette_view.setToolTip("Stop training to edit the network" if locked else "")
        self._update_undo()

    def _set_title(self, name: str, modified: bool) -> None:
        self.setWindowTitle(f"{name}[*] — Neural Playground")
        self.setWindowModified(modified)

    def _show_recent(self, paths: list[Path]) -> None:
        menu = self.menus.recent
        menu.clear()
        for path in paths:
            action = menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self.files.open_path(p))
        menu.setEnabled(bool(paths))

    def _update_file_actions(self, state: str) -> None:
        self.menus.export.setEnabled(state != SessionState.RUNNING)

    # --- dialogs the panels ask for ---------------------------------------------------------
    def find_lr(self) -> None:
        from playground.ui.dialogs.lr_finder import LrFinderDialog

        ws = self.workspace
        spec = ws.document.spec
        job = (spec, ws.dataset, ws.config, ws.session.weights_for(spec))
        LrFinderDialog(ws.tasks, job, ws.use_learning_rate, self).open()

    def show_sweep_dialog(self) -> None:
        """Training ▸ Sweep…: the sweep it starts is shown in the Sweep tab."""
        from playground.ui.dialogs.sweep import SweepDialog

        sweeps = self.views.sweep.sweeps
        ws = self.workspace
        spec, name, path = ws.document.spec, ws.files.display_name, ws.files.path
        data = ws.dataset.name if ws.dataset else ""
        dialog = SweepDialog(sweeps, spec, name, path, data, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.started.connect(lambda: self.views.setCurrentWidget(self.views.sweep))
        dialog.show()

    def show_augment_dialog(self) -> None:
        from playground.ui.dialogs.augment import AugmentDialog

        if self.augment_dialog is None:
            ws = self.workspace
            dialog = self.augment_dialog = AugmentDialog(
                ws.session, ws.document, ws.tasks.slot(), self
            )
            dialog.show_config(ws.config)
            dialog.show_dataset(ws.dataset)
            ws.configChanged.connect(dialog.show_config)
            ws.datasetChanged.connect(dialog.show_dataset)
            dialog.configEdited.connect(ws.set_config)
        self.augment_dialog.show()
        self.augment_dialog.raise_()
        self.augment_dialog.activateWindow()

    def _open_learn(self) -> None:
        self.learn_dock.show()
        self.learn_dock.raise_()

    # --- help -----------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", self.menus.help_text)

    def show_cluster_page(self) -> None:
        """The commands that train this project with torchrun, on one machine or several."""
        text = cluster_instructions(self.workspace.files.display_name)
        TextPage("Training on a cluster", text, self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Neural Playground",
            "Neural Playground: design a network, train it live, look inside it.\n\n"
            f"Errors are written in full to the log file:\n{log_path()}",
        )

    # --- drops on the window -------------------------------------------------------------
    def files_dropped(self, paths: list[Path], _pos: QPoint) -> None:
        projects = [p for p in paths if p.suffix == SUFFIX]
        if projects:
            self.files.open_path(projects[0])
            return
        self.views.classify_files(paths)

    # --- closing --------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        """Ask about unsaved work. A running training is stopped at the end of its step and,
        if the person chose Save, saved with every epoch it trained. The window closes once
        the training thread has ended: it is never destroyed while it runs."""
        ws = self.workspace
        if self._after_stop is not None:  # already stopping: closes when the run has ended
            event.ignore()
            return
        answer = self.files.ask_to_save() if ws.files.dirty else "discard"
        if answer == "cancel":
            event.ignore()
        elif ws.session.busy:
            event.ignore()
            save_then_close = lambda: self.files.save(self._close_now)  # noqa: E731
            self._after_stop = save_then_close if answer == "save" else self._close_now
            self.statusBar().showMessage("Stopping training…")
            self.training.status.setText("Stopping…")
            ws.session.stop()
        elif answer == "save":
            event.ignore()
            self.files.save(self._close_now)
        else:
            ws.session.shutdown()
            ws.shutdown()
            ws.discard_recovery()
            super().closeEvent(event)

    def _run_ended(self, *_: object) -> None:
        then, self._after_stop = self._after_stop, None
        if then is not None:
            QTimer.singleShot(0, self, then)  # dropped if the window is gone by then

    def _close_now(self) -> None:
        self.workspace.files.dirty = False
        self.close()
