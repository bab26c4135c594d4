"""Validation: a model's loss, score (accuracy, or a regression's R²) and answers on held-out
samples."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from playground.core.model.build import evaluating, logits_part
from playground.core.training.task import Classification, Task


@torch.no_grad()
def evaluate_model(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    chunk: int = 256,
    between_chunks: Callable[[], None] | None = None,
    task: Task | None = None,
) -> tuple[float, float, torch.Tensor]:
    """Mean loss, score and the task's answers (softmax probabilities (N, classes), or
    predicted numbers (N,)) in eval mode, in chunks small enough that no single forward holds
    the GIL for long; between_chunks may raise to stop early."""
    task = task or Classification()
    logits = logits_part(model)
    loss = torch.zeros((), device=x.device)
    outs = []
    with evaluating(model):
        for start in range(0, len(x), chunk):
            if between_chunks is not None:
                between_chunks()
            out = logits(x[start : start + chunk])
            loss += task.loss(out, y[start : start + chunk], reduction="sum")
            outs.append(out)
    if not outs:
        return 0.0, 0.0, torch.zeros(0, 1, device=x.device)
    out = torch.cat(outs)
    return loss.item() / len(x), task.score(out, y).item(), task.answers(out)
