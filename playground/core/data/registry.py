"""Load any data set by reference: bundled mnist5k, a toy set, an image folder or IDX files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from playground.core.data.dataset import Dataset, make_dataset
from playground.core.data.folder import Progress, load_folder
from playground.core.data.idx import find_idx_pair, read_idx
from playground.core.data.ref import BUNDLED, DIGITS, MNIST5K, TOY_CLASSES, DatasetRef
from playground.core.data.toy import TOY_NAMES, make_toy
from playground.core.errors import DatasetError

TOY_DEFAULTS = {"samples": 1000, "noise": 0.1}
FOLDER_DEFAULTS = {"size": 32, "channels": 3}


def load_dataset(
    ref: DatasetRef | str,
    seed: int = 0,
    val_fraction: float = 0.2,
    progress: Progress | None = None,
) -> Dataset:
    """The data set ref points at, split with seed; DatasetError with a clear message if not.
    progress hears how an image folder's reading goes (and may raise to cancel it)."""
    if isinstance(ref, str):
        ref = DatasetRef(ref)
    source = ref.source
    if source == "mnist5k":
        return _from_idx("mnist5k", ref, *MNIST5K, seed, val_fraction)
    if source in TOY_NAMES:
        return _toy(ref, seed, val_fraction)
    path = Path(source).expanduser()
    if not path.exists():
        raise DatasetError(
            f"unknown data set '{source}': use one of {', '.join(BUNDLED)}, "
            "an image folder or IDX files"
        )
    if path.is_dir() and not any("idx" in p.name for p in path.iterdir()):
        return _folder(ref, path, seed, val_fraction, progress)
    images, labels = find_idx_pair(path)
    return _from_idx(path.name, ref, images, labels, seed, val_fraction)


def _options(ref: DatasetRef, defaults: dict[str, Any]) -> dict[str, Any]:
    unknown = set(ref.options) - set(defaults)
    if unknown:
        raise DatasetError(f"{ref.source} has no option {', '.join(sorted(unknown))}")
    return {**defaults, **ref.options}


def _toy(ref: DatasetRef, seed: int, val_fraction: float) -> Dataset:
    opts = _options(ref, TOY_DEFAULTS)
    samples, noise = int(opts["samples"]), float(opts["noise"])
    if not 20 <= samples <= 1_000_000 or not 0 <= noise <= 1:
        raise DatasetError("toy data sets need 20 to 1,000,000 samples and noise from 0 to 1")
    pts, labels = make_toy(ref.source, samples, noise, seed)
    return make_dataset(
        ref.source,
        ref,
        torch.from_numpy(pts),
        torch.from_numpy(labels),
        TOY_CLASSES,
        "points",
        seed,
        val_fraction,
    )


def _from_idx(
    name: str, ref: DatasetRef, images: Path, labels: Path, seed: int, val_fraction: float
) -> Dataset:
    x, y = read_idx(images), read_idx(labels)
    if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
        raise DatasetError(
            f"{images.name} and {labels.name} do not match (shapes {x.shape} and {y.shape})"
        )
    if y.max() > 255:
        raise DatasetError(f"{labels.name} has labels above 255: not a class labels file")
    n_classes = int(y.max()) + 1
    names = DIGITS if n_classes <= 10 and name == "mnist5k" else [str(i) for i in range(n_classes)]
    xt = torch.from_numpy(x.astype("float32") / 255.0).unsqueeze(1)
    recipe = "mnist" if x.shape[1:] == (28, 28) else "resize"
    return make_dataset(
        name,
        ref,
        xt,
        torch.from_numpy(y.astype("int64")),
        names,
        "image",
        seed,
        val_fraction,
        recipe,
    )


def _folder(
    ref: DatasetRef, path: Path, seed: int, val_fraction: float, progress: Progress | None
) -> Dataset:
    opts = _options(ref, FOLDER_DEFAULTS)
    size, channels = int(opts["size"]), int(opts["channels"])
    if channels not in (1, 3) or not 8 <= size <= 256:
        raise DatasetError("image folders need channels 1 or 3 and a size from 8 to 256")
    x, y, names = load_folder(path, size, channels, progress)
    return make_dataset(
        path.name,
        ref,
        torch.from_numpy(x),
        torch.from_numpy(y),
        names,
        "image",
        seed,
        val_fraction,
    )
