"""The live views' probes as a training callback: what the visible views ask for, computed
on the model at every snapshot of a run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.inspect.probes import probe
from playground.core.training.callbacks.base import Callback
from playground.core.training.events import ProbeRequest

if TYPE_CHECKING:
    import torch

    from playground.core.training.trainer_view import TrainerView


class ProbeCallback(Callback):
    """Sends a Probe of what request names (feature maps of a sample, the decision boundary,
    the neurons and activation inputs on the last batch trained on) at every snapshot."""

    def __init__(self, request: ProbeRequest | None = None) -> None:
        self.request = request or ProbeRequest()  # replaced whole, from any thread

    def on_snapshot(
        self, trainer: TrainerView, step: int, epoch: int, batch: torch.Tensor | None
    ) -> None:
        request = self.request
        if request.any:
            pre = trainer.data.preprocessing
            trainer.emit(probe(trainer.model, step, request, batch, pre, trainer.device))
