"""Pinned images: up to four inputs whose probabilities are computed again from every new
weight snapshot, so that a learner sees "7: 12 % → 86 %" happen while training runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.core.errors import PlaygroundError
from playground.ui.state.tasks import stateless

if TYPE_CHECKING:
    from playground.core.inspect.inference import Prediction
    from playground.ui.state.workspace import Workspace

MAX_PINS = 4


@dataclass
class Pin:
    title: str
    x: np.ndarray  # the network's input, normalised (C×H×W)
    picture: np.ndarray  # what to draw: H×W or H×W×3 in [0, 1]
    follow: int | None  # the class the headline follows (a sample's label); None: the top one
    first: np.ndarray | None = None  # probabilities when first computed (pinned, or run began)
    now: np.ndarray | None = None  # probabilities from the newest weights


class Pins(QObject):
    """The pinned inputs and their probabilities from the newest weights (as a task)."""

    changed = Signal()
    samplesChanged = Signal(int)  # another data set: how many of its samples can be pinned

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.ws = workspace
        self.pins: list[Pin] = []
        self._slot = workspace.tasks.slot()  # newer weights replace the computation under way
        s = workspace.session
        s.snapshotTaken.connect(self._snapshot)
        s.weightsChanged.connect(self.refresh)
        s.historyReplaced.connect(self._new_run)
        workspace.datasetChanged.connect(self._dataset_changed)

    def add_sample(self, index: int) -> None:
        """Pin validation sample index of the data set; PlaygroundError saying why not."""
        d = self.ws.dataset
        if d is None or d.preprocessing.kind != "image":
            raise PlaygroundError("Only images can be pinned: choose an image data set.")
        from playground.core.data.dataset import denormalise

        x = d.x_val[index].cpu()
        label = int(d.y_val[index])
        picture = denormalise(x, d.preprocessing).clamp(0, 1).numpy()
        title = f"sample {index} ({d.class_names[label]})"
        self._add(Pin(title, x.numpy(), _drawable(picture), label))

    def add_prediction(self, prediction: Prediction, title: str) -> None:
        """Pin the image just classified (as the network got it)."""
        recipe = self.ws.recipe()
        if recipe is None or recipe[1].kind != "image":
            raise PlaygroundError("Only images can be pinned: classify an image first.")
        import torch

        from playground.core.data.dataset import apply_normalisation

        x = apply_normalisation(torch.from_numpy(prediction.model_input), recipe[1]).numpy()
        self._add(Pin(title, x, _drawable(prediction.model_input), None))

    def _add(self, pin: Pin) -> None:
        if len(self.pins) >= MAX_PINS:
            raise PlaygroundError(f"{MAX_PINS} images are pinned already: unpin one first.")
        self.pins.append(pin)
        self.changed.emit()
        self.refresh()

    def remove(self, index: int) -> None:
        del self.pins[index]
        self.changed.emit()

    def clear(self) -> None:
        self.pins.clear()
        self.changed.emit()

    def samples(self) -> int:
        """How many validation samples of the data set can be pinned: none unless images."""
        d = self.ws.dataset
        return len(d.y_val) if d is not None and d.preprocessing.kind == "image" else 0

    def _dataset_changed(self) -> None:
        self.clear()
        self.samplesChanged.emit(self.samples())

    def class_names(self) -> list[str]:
        recipe = self.ws.recipe()
        return recipe[0] if recipe is not None else []

    def _new_run(self) -> None:
        """Training from scratch (or reset): the "before" is taken afresh."""
        for pin in self.pins:
            pin.first = pin.now = None
        self.changed.emit()

    def _snapshot(self, *_: object) -> None:
        """A run's new weights: computed unless the last snapshot's still are (snapshots come
        faster than a big network answers; the run's end replaces whatever is under way)."""
        if not self._slot.busy:
            self.refresh()

    def refresh(self, *_: object) -> None:
        """Compute the pins' probabilities from the newest weights."""
        ws, s = self.ws, self.ws.session
        self._slot.cancel()
        weights = s.weights_for(ws.document.spec)
        if not self.pins or weights is None:
            return
        if not self.class_names():
            return
        from playground.core.inspect.probes import snapshot_probabilities

        batch = np.stack([p.x for p in self.pins])
        pinned = list(self.pins)
        args = (s.spec, len(self.class_names()), weights, batch)
        task = self._slot.start("Pinned images", stateless(snapshot_probabilities), *args)
        task.done.connect(lambda probs: self._show(pinned, probs))

    def _show(self, pinned: list[Pin], probs: np.ndarray) -> None:
        for pin, p in zip(pinned, probs, strict=True):
            if pin.first is None:
                pin.first = p
            pin.now = p
        self.changed.emit()


def _drawable(picture: np.ndarray) -> np.ndarray:
    """C×H×W in [0, 1] as a picture: H×W (gray) or H×W×3."""
    return picture[0] if picture.shape[0] == 1 else picture.transpose(1, 2, 0)
