"""Data augmentation: random changes to each training batch (crop, flip, rotation, colour), so
that the network learns what stays the same under them. The settings are a plain text value
('crop=0.3,flip,rotate=15,jitter=0.2') kept in the training settings; Kornia applies them to
the batch's tensors on the training device. No torch or Kornia at import: the window opens
without them."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from playground.core.errors import PlaygroundError
from playground.core.limits import LimitError, brief, finite_number

if TYPE_CHECKING:
    import numpy as np
    import torch

    from playground.core.data.ref import Preprocessing

INSTALL_HINT = 'pip install -e ".[augment]"'
# name: (what it is, the largest strength); a strength of 0 turns the change off
STRENGTHS = {
    "crop": ("the share of the picture a random crop may cut away", 0.9),
    "rotate": ("the largest rotation in degrees", 180.0),
    "jitter": ("how far brightness, contrast and saturation may change", 1.0),
}
NAMES = ("crop", "flip", "rotate", "jitter")
CACHE_EXCLUDES_AUGMENTATION = (
    "augmentation changes every photo at every epoch, while transfer learning computes each "
    "photo's frozen features once and caches them: turn augmentation off"
)


class AugmentationError(PlaygroundError):
    """Augmentation settings that are not valid, or that cannot apply to this data or run."""


@dataclass(frozen=True)
class Augmentation:
    """Each change's strength; 0 (or False) leaves it out."""

    crop: float = 0.0  # a crop keeps between 1 - crop and all of the picture's area
    flip: bool = False  # mirror left-right half of the time
    rotate: float = 0.0  # degrees either way
    jitter: float = 0.0  # brightness, contrast and saturation × (1 ± jitter); RGB only

    def __post_init__(self) -> None:
        if not isinstance(self.flip, bool):
            raise AugmentationError(f"flip must be on or off, not {brief(self.flip)}")
        for name, (what, high) in STRENGTHS.items():
            try:
                value = finite_number(getattr(self, name), f"{name} ({what})", 0, high)
            except LimitError as e:
                raise AugmentationError(f"augmentation {e}") from None
            object.__setattr__(self, name, value)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __str__(self) -> str:
        """The settings as text that parse() reads back; '' when nothing is on."""
        parts = [f"{name}={getattr(self, name):g}" for name in STRENGTHS if getattr(self, name)]
        if self.flip:
            parts.insert(1 if self.crop else 0, "flip")
        return ",".join(parts)

    @classmethod
    def parse(cls, text: str) -> Augmentation:
        """'crop=0.3,flip,rotate=15,jitter=0.2' (any order, any subset; '' or 'none': no
        augmentation); AugmentationError with one line naming what is wrong."""
        if not isinstance(text, str):
            raise AugmentationError(f"augmentation must be text, not {brief(text)}")
        values: dict[str, object] = {}
        for part in (p.strip() for p in text.split(",")):
            if not part or part == "none":
                continue
            name, eq, value = (s.strip() for s in part.partition("="))
            if name not in NAMES:
                raise AugmentationError(
                    f"unknown augmentation {brief(name)} (use {', '.join(NAMES)}, e.g. "
                    "crop=0.3,flip,rotate=15,jitter=0.2)"
                )
            if name in values:
                raise AugmentationError(f"augmentation {name} is given twice")
            if name == "flip":
                if eq:
                    raise AugmentationError("flip takes no strength: write flip, not flip=…")
                values[name] = True
                continue
            values[name] = _number(name, value if eq else "")
        return cls(**values)  # type: ignore[arg-type]


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        high = STRENGTHS[name][1]
        raise AugmentationError(
            f"augmentation {name} needs a strength from 0 to {high:g}, e.g. {name}="
            f"{high / 6:g}; got {brief(text) if text else 'none'}"
        ) from None


def kornia_missing() -> str | None:
    """Why augmentation cannot run here (Kornia is not installed), or None. Imports nothing:
    Kornia brings PyTorch, which the window loads after it shows."""
    if importlib.util.find_spec("kornia") is None:
        return f"Augmentation needs Kornia: {INSTALL_HINT}"
    return None


def check_applies(aug: Augmentation, pre: Preprocessing, name: str) -> None:
    """AugmentationError when aug cannot apply to a data set made by pre (named name)."""
    if not aug.active:
        return
    if pre.kind != "image":
        raise AugmentationError(
            f"augmentation changes pictures, and {name} holds 2-D points: turn it off"
        )
    if aug.jitter and pre.channels != 3:
        raise AugmentationError(
            f"colour jitter needs colour pictures, and {name} is gray: set jitter to 0"
        )
    missing = kornia_missing()
    if missing:
        raise AugmentationError(missing)


def augmenter(
    aug: Augmentation, pre: Preprocessing, name: str = "the data set"
) -> Callable[[torch.Tensor], torch.Tensor] | None:
    """A function from a normalised N×C×H×W batch to an augmented one on the same device
    (None when aug is off); AugmentationError if it cannot apply."""
    check_applies(aug, pre, name)
    if not aug.active:
        return None
    import kornia.augmentation as K
    import torch
    from torch import nn

    from playground.core.data.dataset import apply_normalisation, denormalise

    size = tuple(pre.size or (1, 1))
    steps: list[nn.Module] = []
    if aug.crop:
        steps.append(K.RandomResizedCrop(size, scale=(1 - aug.crop, 1.0), p=1.0))
    if aug.flip:
        steps.append(K.RandomHorizontalFlip(p=0.5))
    if aug.rotate:
        steps.append(K.RandomRotation(aug.rotate, p=1.0))
    if aug.jitter:
        j = aug.jitter
        steps.append(K.ColorJitter(j, j, j, min(0.5, j / 4), p=1.0))
    pipeline = nn.Sequential(*steps)

    @torch.no_grad()
    def apply(x: torch.Tensor) -> torch.Tensor:
        # augmented as pixels in [0, 1]: rotation fills with black paper, jitter needs [0, 1]
        raw = denormalise(x, pre).clamp(0, 1)
        return apply_normalisation(pipeline(raw), pre)

    return apply


def preview(
    aug: Augmentation, pre: Preprocessing, images: torch.Tensor, copies: int, seed: int
) -> np.ndarray:
    """(copies + 1, N, H, W, C) pixels in [0, 1]: the normalised images N×C×H×W as they are,
    then copies augmented versions of each, drawn with seed (the global generator, which a
    training thread may use, is left as it was)."""
    import torch

    from playground.core.data.dataset import denormalise

    apply = augmenter(aug, pre)
    rows = [images]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        rows += [apply(images) if apply else images for _ in range(copies)]
    pixels = torch.stack([denormalise(r, pre).clamp(0, 1) for r in rows])
    return pixels.permute(0, 1, 3, 4, 2).cpu().numpy()


def preview_grid(
    aug: Augmentation, dataset, seed: int, samples: int, copies: int, gap: int
) -> np.ndarray:
    """The preview mosaic: samples of dataset's training pictures in a row, copies augmented
    versions below them, gap pixels between the two (pixels in [0, 1])."""
    import numpy as np
    import torch

    from playground.core.data.mosaic import mosaic

    picks = torch.randperm(len(dataset.y_train), generator=torch.Generator().manual_seed(7))
    images = dataset.x_train[picks[:samples].to(dataset.y_train.device)].cpu()
    rows = preview(aug, dataset.preprocessing, images, copies, seed)  # (rows, N, H, W, C)
    rows = rows[..., 0] if rows.shape[-1] == 1 else rows
    first = mosaic(list(rows[0]), len(images), pad=2, fill=1.0)
    rest = mosaic([t for row in rows[1:] for t in row], len(images), pad=2, fill=1.0)
    space = np.ones((gap, *first.shape[1:]), np.float32)  # the pictures apart from their changes
    return np.concatenate([first, space, rest])
