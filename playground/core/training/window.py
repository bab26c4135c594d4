"""The steps since the last report, kept on the device until the report reads them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class WindowStats:
    """What a report reads from its window of steps."""

    loss: float  # mean over the steps
    accuracy: float
    samples: int
    steps: int
    first_bad: int | None  # index of the first step whose loss was not finite


Score = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class StepWindow:
    """Each step's loss, scores and targets kept on the device between reports: no extra op
    and no sync a step. Hits are counted for the whole window at once when it is taken, so a
    GPU launches two kernels a report instead of two a step (on a 2-core CPU the difference is
    within the bench's noise; summing as it went cost ~3 % of an MLP's step time). score is
    the task's (accuracy, or a regression's R²), of all the window's samples together."""

    def __init__(self, score: Score | None = None) -> None:
        self.score = score or _accuracy
        self.losses: list[torch.Tensor] = []
        self.scores: list[torch.Tensor] = []
        self.targets: list[torch.Tensor] = []
        self.samples = 0

    @property
    def count(self) -> int:
        return len(self.losses)

    def add(self, loss: torch.Tensor, scores: torch.Tensor, targets: torch.Tensor) -> None:
        self.losses.append(loss)
        self.scores.append(scores)
        self.targets.append(targets)
        self.samples += len(targets)

    def take(self) -> WindowStats:
        """The window's averages, then empty it. One device sync reads them all."""
        losses = torch.stack(self.losses)
        bad = ~torch.isfinite(losses)
        score = self.score(torch.cat(self.scores), torch.cat(self.targets))
        first_bad = torch.where(bad.any(), bad.int().argmax(), -1)
        # float32, which every device has (MPS lacks float64)
        loss, score, first = torch.stack(
            [losses.mean().float(), score.float(), first_bad.float()]
        ).tolist()
        samples, steps = self.samples, self.count
        self.losses, self.scores, self.targets, self.samples = [], [], [], 0
        return WindowStats(loss, score, samples, steps, None if first < 0 else int(first))


def _accuracy(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return (scores.argmax(1) == targets).float().mean()
