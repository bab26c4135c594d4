"""What a network learns: classes (cross-entropy, accuracy) or a number (MSE, MAE or Huber; R²
and the mean absolute error). The loop asks its task for the loss and the scores and knows
nothing else of either."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from playground.core.data.ref import REGRESSION, Preprocessing


@dataclass(frozen=True)
class Classification:
    name = "classification"

    def loss(self, out: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        return F.cross_entropy(out, y, reduction=reduction)

    def score(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Accuracy: the share of samples whose highest score is their class."""
        return (out.argmax(1) == y).float().mean()

    def answers(self, out: torch.Tensor) -> torch.Tensor:
        """What a person reads of each sample: the probabilities of the classes."""
        return torch.softmax(out, dim=1)

    def error(self, answers: torch.Tensor, y: torch.Tensor) -> float | None:
        return None


@dataclass(frozen=True)
class Regression:
    """A number, learned standardised: the network's one output times the target's spread
    plus its mean is the prediction in the target's own units."""

    loss_name: str = "mse"
    mean: float = 0.0
    std: float = 1.0
    name = REGRESSION

    def loss(self, out: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        out = out[:, 0]
        if self.loss_name == "mae":
            return F.l1_loss(out, y, reduction=reduction)
        if self.loss_name == "huber":
            return F.huber_loss(out, y, reduction=reduction)
        return F.mse_loss(out, y, reduction=reduction)

    def score(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return r2(out[:, 0], y)

    def answers(self, out: torch.Tensor) -> torch.Tensor:
        """The predicted numbers (N,), in the target's units."""
        return out[:, 0] * self.std + self.mean

    def error(self, answers: torch.Tensor, y: torch.Tensor) -> float:
        """The mean absolute error of answers against standardised targets y, in the
        target's units."""
        return float((answers - (y * self.std + self.mean)).abs().mean())


Task = Classification | Regression


def r2(predicted: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The coefficient of determination: 1 is perfect, 0 no better than always the mean, and
    below 0 worse (0-d; 0 when y does not vary)."""
    spread = ((y - y.mean()) ** 2).sum()
    residual = ((y - predicted) ** 2).sum()
    return torch.where(spread > 0, 1 - residual / spread.clamp_min(1e-12), torch.zeros_like(spread))


def task_for(pre: Preprocessing, loss: str = "mse") -> Task:
    """The task a data set's preprocessing names, with loss for a regression."""
    if pre.task == REGRESSION:
        return Regression(loss, *pre.target)
    return Classification()
