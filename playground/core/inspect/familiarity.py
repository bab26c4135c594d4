"""Honesty about strangers: how unlike the training data an input is, judged on the network's
own scores. The energy score, −log Σ exp(logits) (Liu et al. 2020, "Energy-based
out-of-distribution detection"), is low for inputs like those the network was trained on, whose
class scores are large, and high for strangers that excite no class. It is calibrated on the
held-out validation samples: 0 is their median, 1 the level that PERCENTILE % of them stay
under. Above 1 an input is a stranger, whatever its top probability says (a photo of a pagoda
is a "4" at 95 %): on mnist5k, noise and photos score above 1 where the Mahalanobis distance
on the last layer's input features let them pass, as close to the digits as digits are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core.data.ref import Preprocessing
from playground.core.errors import ProjectError
from playground.core.limits import LimitError, finite_number

if TYPE_CHECKING:
    import torch
    from torch import nn

PERCENTILE = 99.0  # of the validation samples' scores: about 1 in 100 of them is flagged
MAX_SAMPLES = 1000  # validation samples the calibration reads: enough for a 99th percentile,
# and a photo network reads them in ~20 s on 2 cores
MIN_SAMPLES = 50  # fewer, and the PERCENTILE-th is the largest of a handful: a cat photo
# of a 12-photo validation set was called a stranger; no judgement beats a wrong one
CHUNK = 256


@dataclass(frozen=True)
class Familiarity:
    """The energy score's median and PERCENTILE-th percentile on the validation data."""

    typical: float
    threshold: float
    percentile: float = PERCENTILE

    def strangeness(self, logits: torch.Tensor) -> torch.Tensor:
        """(N,) of N×classes logits: 0 as typical as the validation data, above 1 a stranger."""
        return (energy(logits) - self.typical) / (self.threshold - self.typical)

    def to_dict(self) -> dict[str, float]:
        return {"typical": self.typical, "threshold": self.threshold, "percentile": self.percentile}

    @classmethod
    def from_dict(cls, d: Any) -> Familiarity:
        """As saved in a project, every field checked; ProjectError naming the field if not."""
        if not isinstance(d, dict):
            raise ProjectError("familiarity must be an object with typical, threshold, percentile")
        try:
            typical = finite_number(d.get("typical"), "familiarity typical", -1e9, 1e9)
            threshold = finite_number(d.get("threshold"), "familiarity threshold", -1e9, 1e9)
            percentile = finite_number(d.get("percentile"), "familiarity percentile", 50, 100)
        except LimitError as e:
            raise ProjectError(str(e)) from None
        if threshold <= typical:
            raise ProjectError("familiarity threshold must be above its typical value")
        return cls(typical, threshold, percentile)


def energy(logits: torch.Tensor) -> torch.Tensor:
    import torch

    return -torch.logsumexp(logits.float(), dim=1)


def fit_familiarity(
    model: nn.Module, x_val: Any, check: Callable[[], None] | None = None
) -> Familiarity | None:
    """The calibration on validation inputs x_val (a tensor or streamed files) of model's
    logits part; None when the scores cannot tell strangers (all the same, or fewer than
    MIN_SAMPLES of them). check is called between chunks (it may raise to cancel)."""
    import numpy as np
    import torch

    from playground.core.model.build import evaluating

    if len(x_val) < MIN_SAMPLES:
        return None

    with evaluating(model), torch.no_grad():
        n = min(len(x_val), MAX_SAMPLES)
        chunks = []
        for i in range(0, n, CHUNK):
            if check is not None:
                check()
            chunks.append(energy(model(x_val[i : i + CHUNK])))
        scores = torch.cat(chunks)
    scores = scores.cpu().numpy()
    typical, threshold = (float(v) for v in np.percentile(scores, [50, PERCENTILE]))
    if not np.isfinite([typical, threshold]).all() or threshold - typical < 1e-6:
        return None
    return Familiarity(typical, threshold)


def describe(class_names: list[str], pre: Preprocessing | None) -> str:
    """What the network learned from, in words: 'the handwritten digits'."""
    if pre is not None and pre.recipe == "mnist":
        return "the handwritten digits"
    shown = ", ".join(class_names[:3]) + (", …" if len(class_names) > 3 else "")
    return f"the pictures of {shown}" if shown else "the pictures"


def uncalibrated_note(validation_samples: int) -> str:
    """Said beside an answer where the stranger check could not be calibrated: a data set
    with fewer than MIN_SAMPLES validation samples (else ""). An answer for a rocket from a
    3-class photo network read "motorcycle 51 %" with nothing to say it means little."""
    if validation_samples >= MIN_SAMPLES:
        return ""
    return (
        f"No stranger check: it needs {MIN_SAMPLES} validation pictures to calibrate and this "
        f"data set has {validation_samples}, so a picture unlike all of them gets an answer "
        "too. Add pictures to the data set to turn the check on."
    )


def stranger_warning(class_names: list[str], pre: Preprocessing | None) -> str:
    return (
        f"This looks nothing like {describe(class_names, pre)} this network learned from: its "
        "answer means little."
    )
