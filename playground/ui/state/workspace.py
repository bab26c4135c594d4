"""The workspace: the one owner of the app's state (napari's ViewerModel in spirit).

It holds the data set, the network document, the training settings, the training session (with
the one history and the trained weights) and the project file, and does open, save, new,
recover, export and classify. Slow work runs as tasks off the GUI thread. Panels and views
read this state and learn of changes from its signals; the window only lays out and wires.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from playground.core.data.painted import PAINTED
from playground.core.data.ref import REGRESSION, DatasetRef, Preprocessing, bundled_shape
from playground.core.errors import PlaygroundError, one_line
from playground.core.io.project import Project
from playground.core.memory import release_freed_memory
from playground.core.model.presets import preset
from playground.core.model.spec import NetworkSpec
from playground.core.numbers import validation_score
from playground.core.training.config import TrainConfig
from playground.core.training.events import EpochMetrics, Finished, RunStatus
from playground.core.training.history import History
from playground.ui.state import inspection
from playground.ui.state.calibration import calibrate
from playground.ui.state.document import NetworkDocument
from playground.ui.state.feature_training import FeatureTraining
from playground.ui.state.guard import WEIGHTS, WHOLE, Guard, Proceed
from playground.ui.state.painting import Painting
from playground.ui.state.project_files import ProjectFiles, recovery_path
from playground.ui.state.runs import RunList
from playground.ui.state.session import SessionState, TrainingSession
from playground.ui.state.startup import StartupLoader
from playground.ui.state.tasks import Task, TaskRunner, stateless, with_progress

if TYPE_CHECKING:
    from PIL import Image

    from playground.core.data.dataset import Dataset
    from playground.core.inspect.familiarity import Familiarity
    from playground.core.inspect.inference import Classifier, Prediction

log = logging.getLogger(__name__)
NO_DATASET = object()  # a trained network opened without a data set (see _restore)
DEFAULT_DATASET = "mnist5k"
DEFAULT_PRESET = "small-cnn"
AUTOSAVE_MS = 3 * 60 * 1000
AUTOSAVE_EPOCH_S = 20.0


def default_network() -> tuple[NetworkSpec, int]:
    """The network a new window or project starts with, and its data set's class count."""
    shape, classes = bundled_shape(DEFAULT_DATASET)
    return preset(DEFAULT_PRESET, shape, len(classes)), len(classes)


class Workspace(QObject):
    datasetChanged = Signal(object)  # the data set replaced: the new one, or None
    configChanged = Signal(object)  # TrainConfig
    readyChanged = Signal(bool)  # PyTorch and the first data set loaded: training possible
    error = Signal(str)  # one line for the person; the traceback, if any, is in the log
    info = Signal(str)
    messagesOutdated = Signal()  # what was said no longer applies (new work, data, network)
    status = Signal(str)  # a transient status-bar line

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = NetworkDocument(*default_network(), self)
        self.session = TrainingSession(self)
        self.files = ProjectFiles(self)
        self.tasks = TaskRunner(self)
        self.transfer = FeatureTraining(self)  # transfer learning on cached backbone features
        # Asked before the work is replaced; the window puts its unsaved-changes question here.
        self.guard: Guard = Proceed()
        self.lesson_setup: tuple | None = None  # (spec, data set) a lesson put in place
        self.painting = Painting(self)
        self.painting.edited.connect(self.use_painted)
        self.dataset: Dataset | None = None
        # what classifying needs when no data set says it: a trained network's class names
        # and preprocessing, from its project
        self._project_recipe: tuple[list[str], Preprocessing] | None = None
        self.config = TrainConfig(epochs=5)
        self.ready = False
        self.device_text = ""
        self.loader = StartupLoader(DatasetRef(DEFAULT_DATASET), self)
        self.loader.loaded.connect(self.finish_startup)
        self._inference: tuple[tuple, Any] = ((), None)
        self._drawing = inspection.WeightsDrawing(self)
        self._autosaved_at = -AUTOSAVE_EPOCH_S
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()
        self.document.changed.connect(self.files.mark_dirty)
        self.document.changed.connect(self.messagesOutdated)
        self.runs = RunList(self)  # before _on_finished: the autosave then holds the new run
        s = self.session
        s.finished.connect(self._on_finished)
        s.epochEnded.connect(self._epoch_ended)
        s.deviceChosen.connect(self._on_device)
        s.stateChanged.connect(self._session_state)
        s.weightsChanged.connect(self._weights_replaced)

    def _weights_replaced(self) -> None:
        """Once the views let the old weights go (next turn of the event loop), give their
        memory back to the system; not while a run trains (its weights change each epoch)."""
        if not self.session.busy:
            QTimer.singleShot(0, self, release_freed_memory)

    def would_lose(self, loses: str = WHOLE) -> bool:
        """Whether replacing the work now loses unsaved work: any unsaved change, or (loses
        WEIGHTS: an action that keeps the network or changes it as an undoable edit) unsaved
        trained weights."""
        if not self.files.dirty or self._shows_lesson():
            return False
        return loses == WHOLE or self.session.weights is not None

    def _shows_lesson(self) -> bool:
        """The work is what a lesson's Show me set up (its network on its data set): nothing
        the person made is lost by replacing it."""
        d = self.dataset
        return self.lesson_setup == (self.document.spec, d.ref if d is not None else None)

    # --- start-up ---------------------------------------------------------------------
    def start_loading(self) -> None:
        if not self.loader.isRunning() and not self.loader.isFinished():
            self.loader.start()

    def finish_startup(self) -> None:
        """Take what the start-up loader brought (waiting for it if need be): torch is loaded
        from here on, and the default data set too unless a project brought its own."""
        if self.ready:
            return
        self.start_loading()
        result = self.loader.result()
        from playground.core.training.device import device_label, pick_device, set_torch_threads

        set_torch_threads(1)  # torch threads are for the training thread (see set_torch_threads)
        self.device_text = device_label(pick_device("auto"))
        self.ready = True
        if isinstance(result, str):
            self.error.emit(f"Could not load the data set: {result}")
        elif self.dataset is None:
            self._set_dataset(result)
        self.readyChanged.emit(True)
        self.status.emit(f"Ready. Training device: {self.device_text}")

    def _session_state(self) -> None:
        """While a run trains, tasks leave torch's thread count to it (see tasks.py)."""
        self.tasks.torch_serial = not self.session.busy

    def _on_device(self, device_type: str) -> None:
        from playground.core.training.device import device_label, pick_device

        self.device_text = device_label(pick_device(device_type))
        self.status.emit(f"Training on {self.device_text}")

    # --- data set, settings and network ---------------------------------------------------
    def choose_dataset(self, ref: DatasetRef) -> Task:
        """Load ref off the GUI thread (with progress and Cancel); it replaces the current
        data set when it has loaded."""
        self.finish_startup()
        from playground.core.data.registry import load_dataset

        task = self.tasks.start(f"Loading {ref.source}", with_progress(load_dataset), ref)
        task.done.connect(self._dataset_loaded)
        task.failed.connect(lambda e: self.refuse("Could not load the data set", e))
        return task

    def _dataset_loaded(self, dataset: Dataset) -> None:
        if self.session.busy:
            self.error.emit("Stop training before changing the data set.")
            return
        self.files.mark_dirty()
        self.messagesOutdated.emit()
        self.session.reset(keep_previous=False)  # another data set's curves compare nothing
        self._set_dataset(dataset)
        self.document.fit_output(dataset.num_classes)
        from playground.core.model.efficientnet import misfit_warning

        if warning := misfit_warning(self.document.spec):
            self.error.emit(warning)
        elif not self.document.report.ok:  # said, not only drawn red on a card
            self.info.emit(
                f"The network does not fit {dataset.name}: {self.document.report.error}. "
                "Network ▸ Presets has networks that do."
            )
        if dataset.skipped:
            n = len(dataset.skipped)
            reasons = "; ".join(dataset.skipped[:3]) + ("; …" if n > 3 else "")
            self.info.emit(f"{n} unreadable file{'s' * (n > 1)} left out: {reasons}")

    def use_painted(self) -> None:
        """Make the painted points the data set once they can be learned from. A set of the
        same classes keeps the trained weights, and while training runs it is trained on
        from the next epoch: the boundary chases the new points."""
        if not self.painting.learnable():
            return
        from playground.core.data.registry import load_dataset

        try:
            dataset = load_dataset(self.painting.ref())  # ≤ 5,000 points: milliseconds
        except PlaygroundError as e:
            self.error.emit(str(e))
            return
        d = self.dataset
        same = d is not None and d.ref.source == PAINTED and d.num_classes == dataset.num_classes
        if self.session.busy and not same:
            self.error.emit("Stop training before painting a class the network has no output for.")
            return
        if not same:
            self._dataset_loaded(dataset)
            return
        self.files.mark_dirty()
        self.session.replace_data(dataset)
        self._set_dataset(dataset)

    def _set_dataset(self, dataset: Dataset | None) -> None:
        self.dataset = dataset
        painted = dataset is not None and dataset.ref.source == PAINTED
        if painted and dataset.ref.options.get("points") != self.painting.ref().options["points"]:
            self.painting.take(dataset.ref)  # opened, not painted here
        if dataset is not None:
            self.document.set_data_shape(dataset.input_shape, dataset.num_classes)
        self.datasetChanged.emit(dataset)
        self._drawing.refresh()

    def recipe(self) -> tuple[list[str], Preprocessing] | None:
        """The class names and preprocessing that classifying uses: the data set's, or the
        opened network's when there is no data set."""
        d = self.dataset
        return (d.class_names, d.preprocessing) if d is not None else self._project_recipe

    def set_config(self, config: TrainConfig) -> None:
        """New training settings (edited in the panel, or set by a program); while training
        runs only the live ones (learning rate, momentum, …) change, from the next step on."""
        if config == self.config:
            return
        if self.session.busy:
            from playground.core.training.live_settings import only_live_differ

            if not only_live_differ(self.config, config):
                self.error.emit("Stop training before changing this setting.")
                self.configChanged.emit(self.config)
                return
            self.session.change_settings(config)
        self.config = config
        self.files.mark_dirty()
        self.configChanged.emit(config)

    def use_learning_rate(self, lr: float) -> None:
        """The learning rate found for the network (Find LR ▸ Apply)."""
        self.set_config(replace(self.config, lr=lr))
        self.status.emit(f"Learning rate set to {lr:.2g}")

    def apply_preset(self, key: str) -> None:
        from playground.core.model.presets import PRESETS

        if not self.document.locked:
            spec = preset(key, self.document.spec.input_shape, self.document.num_classes)
            self.document.replace_layers(spec, f"Preset {PRESETS[key][0]}")

    # --- training -----------------------------------------------------------------------
    def step(self) -> None:
        """Run one mini-batch and pause: of the paused run, or of a new one started for it."""
        if self.session.state == SessionState.PAUSED:
            self.messagesOutdated.emit()  # new work: what was said of the last step is old
            self.session.step()
        elif not self.session.busy:
            self.train(paused=True)
            self.session.step()

    def train(self, paused: bool = False) -> None:
        """Start (or continue) training, paused at once if asked; says why not when it
        cannot."""
        report, spec, d = self.document.report, self.document.spec, self.dataset
        if self.transfer.task is not None:
            return  # a click while the features are computed: training starts after them
        if d is None:
            self.error.emit("Choose a data set to train on first.")
        elif not report.ok:
            self.error.emit(f"The network cannot be trained yet. {report.error}.")
        else:
            self.messagesOutdated.emit()
            self.files.mark_dirty()  # the weights will change
            self.document.set_locked(True)
            if self.transfer.wanted(spec, d):
                self.transfer.start(spec, d, paused)
            else:
                if note := self.transfer.note(spec):
                    self.info.emit(note)
                self.session.start(spec, d, self.config, paused)

    def restore_best(self) -> EpochMetrics | None:
        """The last run's best epoch's weights made the trained ones (Restore); that epoch."""
        best = self.session.restore_best()
        if best is not None:
            self.files.mark_dirty()
            d = self.dataset
            regression = d is not None and d.task == REGRESSION
            score = validation_score(best.val_accuracy, regression)
            self.status.emit(f"The weights of epoch {best.epoch} are back ({score})")
        return best

    def reset(self) -> None:
        self.session.reset()
        self.status.emit("Weights reset: the next run starts from random weights")

    def _epoch_ended(self, _: object) -> None:
        """Autosave at the end of an epoch, but not more often than AUTOSAVE_EPOCH_S: short
        epochs would otherwise spend the training's time on writing files."""
        now = time.monotonic()
        if now - self._autosaved_at >= AUTOSAVE_EPOCH_S:
            self.autosave()

    def _on_finished(self, f: Finished) -> None:
        self.document.set_locked(False)
        self.status.emit(f.message)  # not "Training on CPU" once it no longer is
        calibrate(self)
        if f.status in (RunStatus.DIVERGED, RunStatus.ERROR):
            self.error.emit(f.message)
        if self.session.weights is not None:
            self.files.mark_dirty()
            self.autosave()

    # --- projects -----------------------------------------------------------------------
    def snapshot_project(self) -> Project:
        """The work as a project: the newest consistent weights (a running trainer's too)."""
        s, d = self.session, self.dataset
        weights = s.weights_for(self.document.spec)
        return Project(
            self.document.spec,
            d.ref if d else DatasetRef(DEFAULT_DATASET),
            self.config,
            d.class_names if d else [],
            d.preprocessing if d else None,
            weights,
            s.history.copy() if weights is not None else History(),
            list(self.runs.runs),
            familiarity=s.current_familiarity() if weights is not None else None,
            sealed=s.record_trusted,
        )

    def save(self, path: Path, then: Callable[[], None] | None = None) -> Task:
        """Write the project to path off the GUI thread; then() runs once it is saved."""
        self.finish_startup()
        from playground.core.io.project import save_project

        project = self.snapshot_project()
        task = self.tasks.start(f"Saving {path.name}", stateless(save_project), path, project)

        def saved(note: str | None) -> None:
            if note:  # the table was too large to keep inside
                self.info.emit(note)
            self.files.set_clean(path)
            recovery_path().unlink(missing_ok=True)
            self.status.emit(f"Saved {path}")
            if then is not None:
                then()

        task.done.connect(saved)
        task.failed.connect(
            lambda e: self.refuse("", e, "The previous file, if any, is unchanged.")
        )
        return task

    def open(self, path: Path | None, recovered: bool = False) -> Task:
        """Read a project off the GUI thread and put it in place of the current work; a
        broken file is refused with the reason, and the current work stays."""
        self.finish_startup()
        name = path.name if path else "the recovery file"
        task = self.tasks.start(
            f"Opening {name}", stateless(_read_project), path or recovery_path()
        )
        task.done.connect(lambda result: self._restore(*result, path, recovered))
        task.failed.connect(lambda e: self.refuse(f"Could not open {name}", e))
        return task

    def new(self) -> None:
        spec, _ = default_network()
        self._restore(Project(spec, DatasetRef(DEFAULT_DATASET)), None, None, None)
        self.finish_startup()
        if self.dataset is None or self.dataset.ref.source != DEFAULT_DATASET:
            self.choose_dataset(DatasetRef(DEFAULT_DATASET))

    def open_project(self, project: Project, title: str, keep_dataset: bool = False) -> Task:
        """Put a project made in memory (a challenge's start) in place of the current work,
        untitled and unchanged, with its data set loaded off the GUI thread (or the current
        one kept)."""
        self.finish_startup()
        work = (lambda p: (p, None)) if keep_dataset else _with_dataset
        task = self.tasks.start(f"Loading {title}", stateless(work), project)
        task.done.connect(lambda result: self._restore(*result, None, False))
        task.failed.connect(lambda e: self.refuse(f"Could not load {title}", e))
        return task

    def open_trained(self, name: str) -> Task:
        """Put a network that ships trained (Network ▸ Pretrained) in place of the current work:
        it classifies photos at once, and no data set comes with it."""
        from playground.core.io.pretrained import PRETRAINED_NETWORKS

        title, make = PRETRAINED_NETWORKS[name]
        task = self.tasks.start(f"Loading the {title}", stateless(make))
        task.done.connect(lambda project: self._restore(project, NO_DATASET, None, False))
        task.failed.connect(lambda e: self.refuse(f"Could not load the {title}", e))
        return task

    def _restore(
        self, project: Project, dataset: Dataset | str | None, path: Path | None, recovered
    ) -> None:
        """dataset: the project's (loaded), why it could not be loaded, None to keep the
        current one, or NO_DATASET for a network that comes without one."""
        if self.session.busy:
            self.error.emit("Stop training before opening another project.")
            return
        self.messagesOutdated.emit()
        self.lesson_setup = None
        has_recipe = project.class_names and project.preprocessing is not None
        self._project_recipe = (project.class_names, project.preprocessing) if has_recipe else None
        if dataset is NO_DATASET:
            self.dataset = None
        elif isinstance(dataset, str):
            self.error.emit(f"The project's data set could not be loaded ({dataset}); choose one.")
        elif dataset is not None:
            self.dataset = dataset
        d = self.dataset
        self.document.load(project.spec, len(project.class_names) or (d.num_classes if d else 0))
        self.config = project.config
        self.configChanged.emit(project.config)
        self.session.load(
            project.spec, project.weights, project.history, project.familiarity, project.sealed
        )
        self.runs.replace(project.runs)
        self._set_dataset(self.dataset)
        if recovered:
            self.files.path = None
            self.files.mark_dirty()  # the recovery file stays until the work is saved
        else:
            self.files.set_clean(path)
        for note in project.notes:  # the table read from the copy kept inside
            self.info.emit(note)

    def export(self, fmt: str, path: Path) -> Task | None:
        project = self.snapshot_project()
        if project.weights is None:
            self.error.emit("Train the network before exporting it.")
            return None
        from playground.core.io.export import export_project

        task = self.tasks.start(
            f"Exporting {path.name}", stateless(export_project), project, fmt, path, self.dataset
        )
        task.done.connect(lambda files: self.info.emit("Exported " + ", ".join(map(str, files))))
        task.failed.connect(lambda e: self.refuse("Export failed", e))
        return task

    def autosave(self) -> None:
        """Write unsaved work to the recovery file, off the GUI thread (errors are said)."""
        if not self.files.dirty or not self.ready:
            return
        from playground.core.io.project import save_project

        self._autosaved_at = time.monotonic()
        task = self.tasks.start(
            "Autosave", stateless(save_project), recovery_path(), self.snapshot_project()
        )
        task.failed.connect(lambda e: self.refuse("Autosave failed", e))

    def ask_to_choose_dataset(self, ref: DatasetRef, what: str) -> bool:
        """Load ref once the person agrees that the trained weights go (see guard); whether
        they did."""
        return self.guard.confirm(what, lambda: self.choose_dataset(ref), WEIGHTS)

    def discard_recovery(self) -> None:
        recovery_path().unlink(missing_ok=True)

    def refuse(self, what: str, e: BaseException, after: str = "") -> None:
        """Say in one line why something could not be done (the log has the traceback)."""
        reason = one_line(e)
        text = f"{what}: {reason}" if what else reason
        self.error.emit(f"{text.rstrip('.')}. {after}".strip())

    def open_image(self, path: Path) -> Image.Image:
        """An image file decoded no larger than the network's preprocessing needs."""
        from playground.core.data.imageio import open_image
        from playground.core.data.preprocess import open_photo

        recipe = self.recipe()
        return open_photo(path, recipe[1]) if recipe is not None else open_image(path)

    # --- classify -----------------------------------------------------------------------
    def classifier(self) -> Classifier:
        """What classifying needs, as plain values a task may take along; PlaygroundError
        saying why there is nothing to classify with."""
        s, recipe = self.session, self.recipe()
        weights = s.current_weights()  # a run's newest, from its first step on
        if weights is None and s.busy:
            raise PlaygroundError("The run has only just begun: classify again in a moment.")
        if weights is None:
            raise PlaygroundError(
                "Train the network first (or open a trained project): an untrained network "
                "can only guess."
            )
        weights = s.weights_for(self.document.spec)
        if weights is None:
            raise PlaygroundError("The network was edited since it was trained: train it again.")
        if recipe is None:
            raise PlaygroundError("Choose the data set the network was trained on first.")
        from playground.core.inspect.inference import Classifier

        names, pre = recipe
        return Classifier(s.spec, names, pre, weights, s.current_familiarity())

    def answer_numbers(self, values: list[float]) -> str:
        """The trained network's answer for typed input values (data sets of numbers)."""
        c = self.classifier()
        from playground.core.inspect.inference import answer_numbers

        return answer_numbers(c.model(), values, c.pre, c.names)

    def classify(self, img: Image.Image) -> Prediction:
        """The trained network's answer for img; PlaygroundError saying why there is none."""
        c = self.classifier()
        from playground.core.inspect.inference import classify
        from playground.core.training.device import serial_torch

        with serial_torch():
            key, model = self._inference
            if key != self.session.weights_key():
                model = c.model()
                self._inference = (self.session.weights_key(), model)
            prediction = classify(model, img, c.pre, c.names, 5, c.familiarity)
        return self._note_uncalibrated(prediction, c.familiarity)

    def _note_uncalibrated(
        self, prediction: Prediction, familiarity: Familiarity | None
    ) -> Prediction:
        """prediction, saying so where the stranger check could not be calibrated."""
        d = self.dataset
        if familiarity is not None or d is None or self.session.weights is None:
            return prediction
        from dataclasses import replace

        from playground.core.inspect.familiarity import uncalibrated_note

        return replace(prediction, unchecked=uncalibrated_note(len(d.y_val)))

    def shutdown(self) -> None:
        """At closing: cancel tasks and wait for the threads (training is stopped before)."""
        self._autosave.stop()
        self.tasks.cancel_all()
        self.loader.wait()  # at most the rest of torch's import


def _read_project(path: Path) -> tuple[Project, Dataset | str | None]:
    """A project file, checked (its weights fit its network), and its data set (or why
    that could not be loaded)."""
    from playground.core.io.project import load_project

    project = load_project(path)
    if project.weights is not None:
        project.build_trained_model()  # ProjectError if the weights do not fit
    return _with_dataset(project)


def _with_dataset(project: Project) -> tuple[Project, Dataset | str]:
    """project and its data set loaded, or why that could not be."""
    from playground.core.data.registry import load_dataset

    try:
        return project, load_dataset(project.dataset)
    except PlaygroundError as e:
        return project, str(e)
