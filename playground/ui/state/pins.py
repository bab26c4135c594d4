"""Pinned images: up to four inputs whose probabilities are computed again from every new
weight snapshot, so that a learner sees "7: 12 % → 86 %" happen while training runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.core.errors import PlaygroundError

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


def _probabilities(spec, classes: int, weights, batch: np.ndarray, _state) -> np.ndarray:
    import torch

    from playground.core.inspect.inference import inference_model
    from playground.core.inspect.probes import grid_probabilities
    from playground.core.training.device import set_torch_threads

    set_torch_threads(1)
    model = inference_model(spec, classes, weights)
    return grid_probabilities(model, torch.from_numpy(batch))


class Pins(QObject):
    """The pinned inputs and their probabilities from the newest weights (as a task)."""

    changed = Signal()

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.ws = workspace
        self.pins: list[Pin] = []
        self._busy = self._again = False
        s = workspace.session
        s.snapshotTaken.connect(self.refresh)
        s.weightsChanged.connect(self.refresh)
        s.historyReplaced.connect(self._new_run)
        workspace.datasetChanged.connect(self.clear)

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

    def class_names(self) -> list[str]:
        recipe = self.ws.recipe()
        return recipe[0] if recipe is not None else []

    def _new_run(self) -> None:
        """Training from scratch (or reset): the "before" is taken afresh."""
        for pin in self.pins:
            pin.first = pin.now = None
        self.changed.emit()

    def refresh(self, *_: object) -> None:
        """Compute the pins' probabilities from the newest weights (one task at a time)."""
        ws, s = self.ws, self.ws.session
        if not self.pins:
            return
        if self._busy:
            self._again = True
            return
        weights = s.current_weights()
        if weights is None or s.spec != ws.document.spec or not self.class_names():
            return
        batch = np.stack([p.x for p in self.pins])
        pinned = list(self.pins)
        self._busy = True
        task = ws.tasks.start(
            "Pinned images", _probabilities, s.spec, len(self.class_names()), weights, batch
        )
        task.done.connect(lambda probs: self._show(pinned, probs))
        task.ended.connect(self._ended)

    def _show(self, pinned: list[Pin], probs: np.ndarray) -> None:
        for pin, p in zip(pinned, probs, strict=True):
            if pin.first is None:
                pin.first = p
            pin.now = p
        self.changed.emit()

    def _ended(self) -> None:
        self._busy = False
        if self._again:
            self._again = False
            self.refresh()


def _drawable(picture: np.ndarray) -> np.ndarray:
    """C×H×W in [0, 1] as a picture: H×W (gray) or H×W×3."""
    return picture[0] if picture.shape[0] == 1 else picture.transpose(1, 2, 0)
