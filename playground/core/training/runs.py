"""Training runs kept in a project: settings, curves, final and best metrics, time, device."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from playground.core.data.ref import DatasetRef
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.events import EpochMetrics, Finished, RunStatus
from playground.core.training.history import History

if TYPE_CHECKING:
    import torch

RUN_POINTS = 256  # step points kept of a run's curve: enough to draw it, small to keep 100
STATUSES = tuple(RunStatus)
MAX_RUN_NAME = 100  # characters


@dataclass(frozen=True)
class Run:
    """One training run as it ended."""

    config: TrainConfig
    dataset: DatasetRef
    history: History  # this run's steps and epochs only, at most RUN_POINTS step points
    status: RunStatus
    started: float  # seconds since 1970 (UTC)
    duration_s: float  # wall-clock, validation and pauses included
    device: str
    weights: dict[str, torch.Tensor] | None = None  # the run's final weights, when kept
    name: str = ""  # given by the person; "" shows as "Run N"
    spec: NetworkSpec | None = None  # the network trained (None in files of older versions)
    trusted: bool = True  # the app's own record (False: read from a file whose seal failed)

    @property
    def final(self) -> EpochMetrics | None:
        return self.history.epochs[-1] if self.history.epochs else None

    @property
    def best(self) -> EpochMetrics | None:
        """The epoch with the lowest finite validation loss."""
        finite = [e for e in self.history.epochs if math.isfinite(e.val_loss)]
        return min(finite, key=lambda e: e.val_loss) if finite else None

    def to_dict(self) -> dict[str, Any]:
        """Everything but the weights, as JSON values; final and best for readers of the file."""
        return {
            "name": self.name,
            "network": self.spec and self.spec.to_dict(),
            "training": self.config.to_dict(),
            "dataset": self.dataset.to_dict(),
            "status": self.status,
            "started": self.started,
            "duration_s": self.duration_s,
            "device": self.device,
            "final": self.final and asdict(self.final),
            "best": self.best and asdict(self.best),
            "history": self.history.to_dict(),
        }


def new_run(
    config: TrainConfig,
    dataset: DatasetRef,
    history: History,
    first_step: int,
    finished: Finished,
    device: str,
    started: float,
    duration_s: float,
    weights: dict[str, torch.Tensor] | None = None,
    spec: NetworkSpec | None = None,
) -> Run:
    """The run of spec that began after first_step of history and ended as finished says;
    weights (when given) are copied to the CPU."""
    kept = None
    if weights is not None:
        kept = {k: v.detach().to("cpu", copy=True) for k, v in weights.items()}
    return Run(
        config,
        dataset,
        history.part(first_step, RUN_POINTS),
        finished.status,
        started,
        duration_s,
        device,
        kept,
        spec=spec,
    )
