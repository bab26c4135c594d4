"""Load any data set by reference: bundled mnist5k, a toy set, an image folder or IDX files."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from playground.core.data.dataset import Dataset, make_dataset, split
from playground.core.data.folder import Progress, list_folder, load_folder
from playground.core.data.idx import find_idx_pair, read_idx
from playground.core.data.painted import PAINTED, decode_points, painted_classes
from playground.core.data.preprocess import IMAGENET_PREPROCESSING, decode_side, preprocess
from playground.core.data.ref import (
    BUNDLED,
    CLASSIFICATION,
    DIGITS,
    MNIST5K,
    PHOTOS,
    REGRESSION,
    DatasetRef,
    Preprocessing,
    bundled_shape,
)
from playground.core.data.stream import ImageFiles, pixel_stats
from playground.core.data.table import TableChoice
from playground.core.data.table_data import load_table
from playground.core.data.table_read import is_table
from playground.core.data.toy import REGRESSION_TOYS, TOY_NAMES, make_toy
from playground.core.data.toy_features import DEFAULT as DEFAULT_FEATURES
from playground.core.data.toy_features import derive, parse_features
from playground.core.errors import DatasetError
from playground.core.limits import MAX_CLASSES, MAX_DATASET_BYTES, LimitError, finite_number

Options = dict[str, tuple[float, float, float, bool]]  # name: default, low, high, whole
TOY_OPTIONS: Options = {
    "samples": (1000, 20, 1_000_000, True),
    "noise": (0.1, 0, 1, False),
    "test_ratio": (0.2, 0.1, 0.9, False),  # the fraction held out to validate on
}
PAINTED_OPTIONS: Options = {"test_ratio": TOY_OPTIONS["test_ratio"]}
TABLE_OPTIONS: Options = {
    "fill": (0, 0, 1, True),  # 1: a gap in a numeric input takes the column's training mean
    "test_ratio": TOY_OPTIONS["test_ratio"],
}
# photos 1: as a pretrained ImageNet network sees them (size and channels are then its own)
FOLDER_OPTIONS: Options = {
    "size": (32, 8, 256, True),
    "channels": (3, 1, 3, True),
    "photos": (0, 0, 1, True),
}
MEMORY_BUDGET = MAX_DATASET_BYTES  # an image folder larger than this as float32 streams


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
    if source in TOY_NAMES or source in REGRESSION_TOYS:
        return _toy(ref, seed, val_fraction)
    if source == PAINTED:
        return _painted(ref, seed, val_fraction)
    path = Path(source)
    with suppress(RuntimeError):  # "~name" of a user who does not exist: taken as it is
        path = path.expanduser()
    if not path.exists():
        raise DatasetError(
            f"unknown data set '{source}': use one of {', '.join(BUNDLED)}, "
            "a CSV/TSV table, an image folder or IDX files"
        )
    if is_table(path):
        return _table(ref, path, seed, val_fraction)
    if path.is_dir() and not any("idx" in p.name for p in path.iterdir()):
        return _folder(ref, path, seed, val_fraction, progress)
    images, labels = find_idx_pair(path)
    return _from_idx(path.name, ref, images, labels, seed, val_fraction)


def _options(ref: DatasetRef, options: Options, text: tuple[str, ...] = ()) -> dict[str, Any]:
    """The numeric options with defaults filled in, each checked against its range; text
    names options that are text, checked by the caller."""
    unknown = set(ref.options) - set(options) - set(text)
    if unknown:
        raise DatasetError(f"{ref.source} has no option {', '.join(sorted(unknown))}")
    try:
        return {
            k: finite_number(ref.options.get(k, default), f"the {k} option", low, high, whole)
            for k, (default, low, high, whole) in options.items()
        }
    except LimitError as e:
        raise DatasetError(f"{Path(ref.source).name}: {e}") from None


def _toy(ref: DatasetRef, seed: int, val_fraction: float) -> Dataset:
    """A toy set; its options may set the noise, the test ratio and the input features."""
    opts = _options(ref, TOY_OPTIONS, text=("features",))
    features = parse_features(ref.options.get("features", ",".join(DEFAULT_FEATURES)))
    if "test_ratio" in ref.options:
        val_fraction = opts["test_ratio"]
    pts, labels = make_toy(ref.source, opts["samples"], opts["noise"], seed)
    raw, y = torch.from_numpy(pts), torch.from_numpy(labels)
    task = REGRESSION if ref.source in REGRESSION_TOYS else CLASSIFICATION
    _, names = bundled_shape(ref.source)
    if features == DEFAULT_FEATURES or raw.shape[1] == 1:  # the coordinates themselves
        if features != DEFAULT_FEATURES:
            raise DatasetError(f"{ref.source} has one input, x: it takes no input features")
        return make_dataset(ref.source, ref, raw, y, names, "points", seed, val_fraction, task=task)
    x = torch.from_numpy(derive(pts, features))
    data = make_dataset(
        ref.source, ref, x, y, names, "points", seed, val_fraction, features=features, task=task
    )
    raw_train, _, raw_val, _ = split(raw, y, val_fraction, seed)  # the same split as x's
    return replace(data, points=(raw_train, raw_val))


def _painted(ref: DatasetRef, seed: int, val_fraction: float) -> Dataset:
    """Points painted with the mouse, standardised like the toy sets' points."""
    opts = _options(ref, PAINTED_OPTIONS, text=("points",))
    if "test_ratio" in ref.options:
        val_fraction = opts["test_ratio"]
    pts, labels = decode_points(ref.options.get("points", ""))
    names = painted_classes(labels)
    x, y = torch.from_numpy(pts), torch.from_numpy(labels)
    return make_dataset("painted points", ref, x, y, names, "points", seed, val_fraction)


def _table(ref: DatasetRef, path: Path, seed: int, val_fraction: float) -> Dataset:
    """A CSV/TSV table; its options choose the target, the inputs, the task and filling."""
    opts = _options(ref, TABLE_OPTIONS, text=("target", "inputs", "task"))
    if "test_ratio" in ref.options:
        val_fraction = opts["test_ratio"]
    text = {k: ref.options.get(k, "") for k in ("target", "inputs", "task")}
    if not all(isinstance(v, str) for v in text.values()):
        raise DatasetError(f"{path.name}: the target, inputs and task options must be text")
    inputs = tuple(n.strip() for n in text["inputs"].split(",") if n.strip())
    choice = TableChoice(text["target"], inputs, text["task"], bool(opts["fill"]))
    return load_table(path, ref, choice, seed, val_fraction)


def _from_idx(
    name: str, ref: DatasetRef, images: Path, labels: Path, seed: int, val_fraction: float
) -> Dataset:
    x, y = read_idx(images), read_idx(labels)
    if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
        raise DatasetError(
            f"{images.name} and {labels.name} do not match (shapes {x.shape} and {y.shape})"
        )
    y = class_labels(y, labels.name)
    n_classes = int(y.max()) + 1 if len(y) else 0
    names = DIGITS if n_classes <= 10 and name == "mnist5k" else [str(i) for i in range(n_classes)]
    xt = torch.from_numpy(x.astype("float32") / 255.0).unsqueeze(1)
    recipe = "mnist" if x.shape[1:] == (28, 28) else "resize"
    return make_dataset(
        name,
        ref,
        xt,
        torch.from_numpy(y),
        names,
        "image",
        seed,
        val_fraction,
        recipe,
    )


def _folder(
    ref: DatasetRef, path: Path, seed: int, val_fraction: float, progress: Progress | None
) -> Dataset:
    opts = _options(ref, FOLDER_OPTIONS)
    size, channels = opts["size"], opts["channels"]
    if channels == 2:
        raise DatasetError("image folders load with channels 1 (gray) or 3 (RGB), not 2")
    if opts[PHOTOS]:
        return _photos(ref, path, seed, val_fraction, progress)
    classes, listed = list_folder(path)
    if sum(map(len, listed)) * channels * size * size * 4 > MEMORY_BUDGET:
        return _streamed(ref, path, classes, listed, size, channels, seed, val_fraction)
    x, y, names, skipped = load_folder(path, size, channels, progress)
    return make_dataset(
        path.name,
        ref,
        torch.from_numpy(x),
        torch.from_numpy(y),
        names,
        "image",
        seed,
        val_fraction,
        skipped=skipped,
    )


def _photos(
    ref: DatasetRef, path: Path, seed: int, val_fraction: float, progress: Progress | None
) -> Dataset:
    """A folder of photos made as the ImageNet network takes them: the centre crop of each at
    224×224 in colour, normalised with that network's fixed mean and spread."""
    PRE = IMAGENET_PREPROCESSING
    (channels, size, _), side = PRE.input_shape, decode_side(PRE)
    x, y, names, skipped = load_folder(
        path, size, channels, progress, lambda img: preprocess(img, PRE), side
    )
    x_, y_ = torch.from_numpy(x), torch.from_numpy(y)
    stats = (PRE.mean, PRE.std)
    return make_dataset(
        path.name, ref, x_, y_, names, "image", seed, val_fraction, PRE.recipe, skipped, stats
    )


def _streamed(
    ref: DatasetRef,
    path: Path,
    classes: list[Path],
    listed: list[list[Path]],
    size: int,
    channels: int,
    seed: int,
    val_fraction: float,
) -> Dataset:
    """An image folder too large for memory, read from disk as it is used."""
    empty = [c.name for c, files in zip(classes, listed, strict=True) if not files]
    if empty:
        raise DatasetError(f"the class folder '{empty[0]}' has no images")
    files = [f for found in listed for f in found]
    labels = torch.tensor([i for i, found in enumerate(listed) for _ in found])
    train, y_train, val, y_val = split(torch.arange(len(files)), labels, val_fraction, seed)
    raw = ImageFiles(tuple(files[i] for i in train.tolist()), size, channels)
    mean, std = pixel_stats(raw, seed)
    pre = Preprocessing("image", mean, std, (size, size), channels)
    val_files = tuple(files[i] for i in val.tolist())
    return Dataset(
        path.name,
        ref,
        ImageFiles(raw.files, size, channels, pre),
        y_train,
        ImageFiles(val_files, size, channels, pre),
        y_val,
        [c.name for c in classes],
        pre,
    )


def class_labels(y: np.ndarray, name: str) -> np.ndarray:
    """y as int64 class indices 0..N-1 with every class present; DatasetError naming the first
    label that is fractional, negative or leaves classes without samples."""
    if y.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(y) | (y != np.round(y)))
        if len(bad):
            raise DatasetError(
                f"{name}: label {y[bad[0]]} of sample {bad[0] + 1} is not a whole number; "
                "class labels are 0, 1, 2, …"
            )
    if len(y) and y.min() < 0:
        i = int(np.argmin(y))
        raise DatasetError(f"{name}: label {y[i]:g} of sample {i + 1} is negative")
    if len(y) and y.max() >= MAX_CLASSES:
        raise DatasetError(
            f"{name}: label {y.max():g} is beyond the {MAX_CLASSES:,} classes allowed"
        )
    labels = y.astype(np.int64)
    counts = np.bincount(labels)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        top = int(np.argmax(labels))
        raise DatasetError(
            f"{name}: labels go up to {labels[top]} (sample {top + 1}) but class {empty[0]} has "
            f"no samples ({len(empty)} classes are empty); labels must be 0 to N-1 with every "
            "class present"
        )
    return labels
