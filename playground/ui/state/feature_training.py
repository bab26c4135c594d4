"""Transfer learning in the window: when the network starts with the frozen pretrained backbone
and the data set is a photo folder, Train first computes the backbone's features of the photos
(once, as a task with progress and Cancel; then from the cache) and the layers after it train
on them, in seconds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from playground.core.data.ref import PHOTOS, photo_folder
from playground.core.errors import DatasetError
from playground.core.model.spec import NetworkSpec

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.core.training.features import FeatureCache
    from playground.ui.state.tasks import Task, TaskState
    from playground.ui.state.workspace import Workspace


def _features(root: Path, cache: FeatureCache, state: TaskState) -> Dataset:
    from playground.core.training.device import yield_to_other_threads
    from playground.core.workflows.transfer import folder_features

    def progress(fraction: float, text: str) -> None:
        state.check()
        state.set_progress(fraction, text.replace("Reading", "Features of"))

    # one photo at a time on one thread, at a low priority: the window stays fluid, and on a
    # busy 2-core machine two threads took 390 ms a photo where one took 49
    yield_to_other_threads()
    return folder_features(root, cache, progress)


class FeatureTraining(QObject):
    """Starts the session on the cached features of the workspace's photo folder."""

    changed = Signal()  # the features began or ended being computed (see task)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.ws = workspace
        self.task: Task | None = None  # computing the features for the next run
        self._cache: FeatureCache | None = None  # made on first use: it needs torch
        self._reloading = ""  # the folder being loaded again as photos
        workspace.document.changed.connect(self._photos_for_backbone)

    @staticmethod
    def wanted(spec: NetworkSpec, dataset: Dataset) -> bool:
        """Whether spec trains on the cached features of dataset's photos."""
        from playground.core.model.efficientnet import trains_on_features

        return trains_on_features(spec) and bool(dataset.ref.options.get(PHOTOS))

    def note(self, spec: NetworkSpec) -> str:
        """What a person should know before spec trains: fine-tuning has no feature cache."""
        from playground.core.model.efficientnet import BACKBONE, FINE_TUNED_BLOCKS

        first = spec.layers[0] if spec.layers else None
        if first is None or first.type != BACKBONE or not first.params["fine_tune"]:
            return ""
        return (
            f"Fine-tuning the backbone's last {FINE_TUNED_BLOCKS} blocks: there is no feature "
            "cache then, so every step runs the whole network (far slower on a CPU)"
        )

    def start(self, spec: NetworkSpec, dataset: Dataset, paused: bool = False) -> Task | None:
        """Compute (or fetch) the features, then train the layers after the backbone (paused
        at once if asked); None, said why, when augmentation is asked for too."""
        from playground.core.data.augmentation import AugmentationError
        from playground.core.training.features import FeatureCache, default_cache_dir
        from playground.core.workflows.transfer import refuse_augmentation

        try:
            refuse_augmentation(self.ws.config)
        except AugmentationError as e:
            self.ws.document.set_locked(False)
            self.ws.error.emit(
                f"The network cannot be trained so: {e}, or tick Fine-tune on the backbone's "
                "card to train without the cache."
            )
            return None

        self._cache = self._cache or FeatureCache(default_cache_dir())
        root = Path(dataset.ref.source).expanduser()
        self.task = task = self.ws.tasks.start(
            f"Features of the photos in {root.name}", _features, root, self._cache
        )
        task.done.connect(lambda f: self._train(spec, dataset, f, paused))
        task.failed.connect(lambda e: self._refused(e))
        task.cancelled.connect(lambda: self.ws.status.emit("Training cancelled"))
        task.cancelled.connect(lambda: self.ws.document.set_locked(False))
        task.ended.connect(self._ended)
        self.changed.emit()
        return task

    def _train(self, spec: NetworkSpec, dataset: Dataset, features: Dataset, paused: bool) -> None:
        if len(features.y_val) != len(dataset.y_val) or not bool(
            (features.y_val == dataset.y_val).all()
        ):
            self._refused(
                DatasetError(
                    "the photo folder changed since it was loaded: load it again (Data set ▸ "
                    "Add image folder…)"
                )
            )
            return
        self.ws.status.emit(
            f"Training the layers under the frozen backbone on its features of "
            f"{len(features.y_train) + len(features.y_val):,} photos"
        )
        self.ws.session.start(spec, dataset, self.ws.config, paused, features)

    def _photos_for_backbone(self) -> None:
        """A network that now starts with the pretrained backbone takes the image folder's
        photos as ImageNet's network does (224×224 colour): load it again so when it was
        loaded otherwise."""
        from playground.core.model.efficientnet import BACKBONE

        ws, d = self.ws, self.ws.dataset
        layers = ws.document.spec.layers
        if not layers or layers[0].type != BACKBONE or d is None or d.ref.options.get(PHOTOS):
            return
        if not Path(d.ref.source).expanduser().is_dir() or self._reloading == d.ref.source:
            return
        self._reloading = d.ref.source
        task = ws.choose_dataset(photo_folder(d.ref.source))
        task.ended.connect(lambda: setattr(self, "_reloading", ""))

    def _refused(self, e: BaseException) -> None:
        self.ws.document.set_locked(False)
        self.ws.refuse("Could not compute the photos' features", e)

    def _ended(self) -> None:
        self.task = None
        self.changed.emit()


def _same(a, b) -> bool:
    return len(a) == len(b) and bool((a == b.to(a.device)).all())
