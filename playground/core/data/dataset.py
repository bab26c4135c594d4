"""The in-memory data set: tensors, class names and the recipe that made them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from playground.core.data.ref import CLASSIFICATION, REGRESSION, DatasetRef, Preprocessing
from playground.core.data.stream import ImageFiles
from playground.core.data.toy_features import derive
from playground.core.errors import DatasetError
from playground.core.model.layers import Shape


@dataclass
class Dataset:
    """Normalised tensors split into training and validation, all on one device; the images
    of a folder too large for memory are ImageFiles, read from disk when used."""

    name: str
    ref: DatasetRef
    x_train: torch.Tensor | ImageFiles
    y_train: torch.Tensor
    x_val: torch.Tensor | ImageFiles
    y_val: torch.Tensor
    class_names: list[str]
    preprocessing: Preprocessing
    skipped: tuple[str, ...] = ()  # why each unreadable file was left out, one line each
    # (rank, world size): the process of a torchrun run trains on every world-th sample of each
    # batch from rank on, and a streamed folder reads only those
    share: tuple[int, int] = (0, 1)
    # 2-D points whose inputs are features made of them: the raw (x1, x2) of the training and
    # validation samples, to draw them where they lie
    points: tuple[torch.Tensor, torch.Tensor] | None = None

    @property
    def input_shape(self) -> Shape:
        return tuple(self.x_train.shape[1:])

    @property
    def task(self) -> str:
        """classification, or regression: one output, a number."""
        return self.preprocessing.task

    @property
    def num_classes(self) -> int:
        """The network's outputs: one per class (a regression's one number has one name)."""
        return len(self.class_names)

    @property
    def device(self) -> torch.device:
        return self.x_train.device

    def batches(
        self, order: torch.Tensor, starts: range, size: int
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch's training batches: the samples order[start : start + size] of each start
        (this process's share of them)."""
        rank, world = self.share
        if isinstance(self.x_train, ImageFiles):
            picks = [order[start : start + size][rank::world] for start in starts]
            yield from self.x_train.batches(picks, self.y_train)
            return
        for start in starts:
            idx = order[start : start + size][rank::world]
            yield self.x_train[idx], self.y_train[idx]

    def to(self, device: torch.device | str) -> Dataset:
        """The same data set with every tensor on device (no copy if already there)."""
        move = {k: getattr(self, k).to(device) for k in ("x_train", "y_train", "x_val", "y_val")}
        return Dataset(
            self.name,
            self.ref,
            **move,
            class_names=self.class_names,
            preprocessing=self.preprocessing,
            skipped=self.skipped,
            share=self.share,
            points=self.points,
        )

    def true_answers(self) -> tuple[np.ndarray, np.ndarray]:
        """The training and validation targets as a person reads them: class indices, or a
        regression's numbers in the target's own units."""
        y_train, y_val = self.y_train.cpu().numpy(), self.y_val.cpu().numpy()
        if self.task != REGRESSION:
            return y_train, y_val
        mean, std = self.preprocessing.target
        return y_train * std + mean, y_val * std + mean

    def raw_points(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The (x1, x2) coordinates of the training and validation points (2-D data only)."""
        if self.points is not None:
            return self.points
        pre = self.preprocessing
        return denormalise(self.x_train.cpu(), pre), denormalise(self.x_val.cpu(), pre)


def split(
    x: torch.Tensor, y: torch.Tensor, val_fraction: float, seed: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A seeded random split into (x_train, y_train, x_val, y_val)."""
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(x), generator=g)
    n_val = max(1, round(len(x) * val_fraction))
    val, train = order[:n_val], order[n_val:]
    return x[train], y[train], x[val], y[val]


def normalise(x_train: torch.Tensor, kind: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Mean and std per channel (images, N×C×H×W) or per feature (points, N×F)."""
    dims = (0, 2, 3) if kind == "image" else (0,)
    mean = x_train.mean(dim=dims)
    std = x_train.std(dim=dims).clamp_min(1e-6)
    return tuple(mean.tolist()), tuple(std.tolist())


def target_scale(y_train: torch.Tensor) -> tuple[float, float]:
    """The mean and spread a regression's target is standardised with (its training part's)."""
    return float(y_train.mean()), max(float(y_train.std()), 1e-6)


def _stats(x: torch.Tensor, pre: Preprocessing) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and std shaped to broadcast over x (per channel for images)."""
    mean = torch.tensor(pre.mean, dtype=x.dtype, device=x.device)
    std = torch.tensor(pre.std, dtype=x.dtype, device=x.device)
    if pre.kind == "image":
        return mean.view(-1, 1, 1), std.view(-1, 1, 1)
    return mean, std


def apply_normalisation(x: torch.Tensor, pre: Preprocessing) -> torch.Tensor:
    mean, std = _stats(x, pre)
    return (x - mean) / std


def point_inputs(raw: torch.Tensor, pre: Preprocessing) -> torch.Tensor:
    """Raw (x1, x2) points (N×2) as the network gets them: their features, normalised."""
    if pre.features:
        raw = torch.from_numpy(derive(raw.cpu().numpy(), pre.features)).to(raw.device)
    return apply_normalisation(raw, pre)


def denormalise(x: torch.Tensor, pre: Preprocessing) -> torch.Tensor:
    """Back to raw values: [0, 1] pixels or the points' own coordinates."""
    mean, std = _stats(x, pre)
    return x * std + mean


def make_dataset(
    name: str,
    ref: DatasetRef,
    x: torch.Tensor,
    y: torch.Tensor,
    class_names: list[str],
    kind: str,
    seed: int,
    val_fraction: float = 0.2,
    recipe: str = "resize",
    skipped: tuple[str, ...] = (),
    stats: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
    features: tuple[str, ...] = (),
    task: str = CLASSIFICATION,
) -> Dataset:
    """Split raw data (images in [0, 1] as N×C×H×W, or points N×F), normalise on train stats
    (or on stats, a fixed mean and std); a regression's values (y, float) are standardised
    on the training part too. DatasetError if it is too small to have samples both to train
    on and to validate."""
    regression = task == REGRESSION
    x_tr, y_tr, x_va, y_va = split(
        x.float(), y.float() if regression else y.long(), val_fraction, seed
    )
    if len(x_tr) < 2 or len(x_va) < 1:
        raise DatasetError(
            f"{name} has {len(x)} sample{'s' * (len(x) != 1)}: too few to train on and validate; "
            "add more (at least a few per class)"
        )
    mean, std = stats or normalise(x_tr, kind)
    size = tuple(x.shape[2:]) if kind == "image" else None
    channels = x.shape[1] if kind == "image" else None
    scale = target_scale(y_tr) if regression else (0.0, 1.0)
    pre = Preprocessing(kind, mean, std, size, channels, recipe, features, task=task, target=scale)  # type: ignore[arg-type]
    if regression:  # the network learns the number standardised
        y_tr, y_va = (y_tr - scale[0]) / scale[1], (y_va - scale[0]) / scale[1]
    return Dataset(
        name,
        ref,
        apply_normalisation(x_tr, pre),
        y_tr,
        apply_normalisation(x_va, pre),
        y_va,
        class_names,
        pre,
        skipped,
    )
