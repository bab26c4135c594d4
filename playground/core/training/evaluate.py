"""Validation: a model's loss, accuracy and probabilities on held-out samples."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from playground.core.model.build import logits_part


@torch.no_grad()
def evaluate_model(
    model: nn.Sequential,
    x: torch.Tensor,
    y: torch.Tensor,
    chunk: int = 256,
    between_chunks: Callable[[], None] | None = None,
) -> tuple[float, float, torch.Tensor]:
    """Mean loss, accuracy and softmax probabilities (N, classes) in eval mode, in chunks
    small enough that no single forward holds the GIL for long; between_chunks may raise
    to stop early."""
    was_training = model.training
    model.eval()
    logits = logits_part(model)
    loss = torch.zeros((), device=x.device)
    probs = []
    try:
        for start in range(0, len(x), chunk):
            if between_chunks is not None:
                between_chunks()
            out = logits(x[start : start + chunk])
            loss += F.cross_entropy(out, y[start : start + chunk], reduction="sum")
            probs.append(torch.softmax(out, dim=1))
    finally:
        model.train(was_training)
    p = torch.cat(probs) if probs else torch.zeros(0, 1, device=x.device)
    n = max(len(x), 1)
    return loss.item() / n, (p.argmax(1) == y).sum().item() / n, p
