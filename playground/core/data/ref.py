"""What a data set is before it is loaded: where it comes from, how its inputs are made, and the
shape of the bundled ones. No torch here: the window reads these to open, before PyTorch loads."""

from __future__ import annotations

import importlib.resources
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playground.core.data.toy import REGRESSION_TOYS, TOY_NAMES
from playground.core.data.toy_features import parse_features
from playground.core.errors import DatasetError
from playground.core.limits import finite_number
from playground.core.model.layers import Shape


def _resources() -> Path:
    """The bundled data: installed as the package playground.resources (see setup.py); in a
    source checkout that is not installed, the top-level resources/ folder."""
    try:
        return Path(str(importlib.resources.files("playground.resources")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[3] / "resources"


RESOURCES = _resources()
MNIST5K = (RESOURCES / "mnist5k-images-idx3-ubyte.gz", RESOURCES / "mnist5k-labels-idx1-ubyte.gz")
BUNDLED = ("mnist5k", *TOY_NAMES, *REGRESSION_TOYS)
DIGITS = [str(d) for d in range(10)]
TOY_CLASSES = ["blue", "orange"]
RECIPES = ("resize", "mnist", "centre-crop")
CLASSIFICATION, REGRESSION = "classification", "regression"
TASKS = (CLASSIFICATION, REGRESSION)
MAX_SIDE = 4096  # pixels, of images a network takes
MAX_SOURCE = 4096  # characters of a data set's name or path
MAX_INPUT_NAME = 402  # a table's column and one of its values: "column=value"
PLANE_SPREAD = 3.0  # a table's plane spans each of its two inputs' mean ± 3 spreads


@dataclass(frozen=True)
class Preprocessing:
    """How raw input became a network input; applied again to user images at inference."""

    kind: str  # "image" or "points"
    mean: tuple[float, ...]  # per channel (image) or per feature (points)
    std: tuple[float, ...]
    size: tuple[int, int] | None = None  # (height, width) for images
    channels: int | None = None  # 1 gray, 3 RGB
    # "resize"; "mnist" (invert, crop to ink, 20×20 box, centre by mass); "centre-crop" (the
    # centred 87.5 % of the shorter side, resized: how ImageNet networks see photos)
    recipe: str = "resize"
    # points: the input features made of each (x1, x2) point (toy_features keys); () the
    # coordinates themselves
    features: tuple[str, ...] = ()
    # a table's inputs: the name of each ("age", or "colour=red" for one of a one-hot column)
    inputs: tuple[str, ...] = ()
    task: str = CLASSIFICATION  # regression: the network's one output is a number
    # regression: the target's training mean and spread; the network predicts the target
    # standardised with them
    target: tuple[float, float] = (0.0, 1.0)

    @property
    def input_shape(self) -> Shape:
        """The network input this makes: C×H×W for images, the number of features for points."""
        if self.kind == "image" and self.size and self.channels:
            return (self.channels, *self.size)
        return (len(self.mean),)

    @property
    def plane_dims(self) -> int | None:
        """2 for points on a plane (inputs made of (x₁, x₂)), 1 for a function of one number:
        what the Boundary view draws; None for data it cannot (images, wider tables)."""
        if self.kind != "points":
            return None
        if self.features:
            return 2
        return len(self.mean) if len(self.mean) in (1, 2) else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Any) -> Preprocessing:
        """As saved in a project, every field checked; DatasetError naming the field if not."""
        if not isinstance(d, dict) or d.get("kind") not in ("image", "points"):
            raise DatasetError("preprocessing kind must be 'image' or 'points'")
        image = d["kind"] == "image"
        recipe = d.get("recipe", "resize")
        if recipe not in RECIPES:
            raise DatasetError(f"preprocessing recipe must be one of {', '.join(RECIPES)}")
        size = channels = None
        if image:
            channels = finite_number(d.get("channels"), "preprocessing channels", 1, 3, True)
            if channels == 2:
                raise DatasetError("preprocessing channels must be 1 (gray) or 3 (RGB), not 2")
            size = d.get("size")
            if not isinstance(size, list) or len(size) != 2:
                raise DatasetError("preprocessing size must be [height, width]")
            size = tuple(finite_number(v, "preprocessing size", 1, MAX_SIDE, True) for v in size)
        count = channels if image else _count(d.get("mean"))
        mean = _values(d.get("mean"), "mean", count, -1e6, 1e6)
        std = _values(d.get("std"), "std", count, 1e-12, 1e6)
        features = _features(d.get("features"), count, image)
        inputs = _inputs(d.get("inputs"), count)
        task = d.get("task", CLASSIFICATION)
        if task not in TASKS:
            raise DatasetError(f"preprocessing task must be one of {', '.join(TASKS)}")
        target = d.get("target", [0.0, 1.0])
        if not isinstance(target, list | tuple) or len(target) != 2:
            raise DatasetError("preprocessing target must be [mean, spread]")
        target = (
            finite_number(target[0], "preprocessing target mean", -1e12, 1e12),
            finite_number(target[1], "preprocessing target spread", 1e-12, 1e12),
        )
        return cls(
            d["kind"],
            mean,
            std,
            size,
            channels,
            recipe,
            features,
            inputs,
            task,
            target,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class DatasetRef:
    """Where a data set comes from: a bundled name or a path, plus its options."""

    source: str
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "options": dict(self.options)}

    @classmethod
    def from_dict(cls, d: Any) -> DatasetRef:
        """As saved in a project; the options' values are checked when the data set loads."""
        if not isinstance(d, dict) or not isinstance(d.get("source"), str):
            raise DatasetError("the data set must be an object with a source name or path")
        if len(d["source"]) > MAX_SOURCE:
            raise DatasetError(f"the data set source is longer than {MAX_SOURCE} characters")
        options = d.get("options") or {}
        if not isinstance(options, dict) or not all(
            isinstance(v, int | float | str) for v in options.values()
        ):
            raise DatasetError("the data set options must map names to numbers or text")
        return cls(d["source"], dict(options))


def _features(keys: Any, count: int | None, image: bool) -> tuple[str, ...]:
    """The saved input features of points: one per mean, or none (the raw coordinates)."""
    if not keys:
        return ()
    if image or not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise DatasetError("preprocessing features must list the input features of points")
    features = parse_features(",".join(keys))
    if len(features) != len(keys) or len(features) != count:
        raise DatasetError("preprocessing features must name one feature per mean, once each")
    return features


def _inputs(names: Any, count: int | None) -> tuple[str, ...]:
    """The saved names of a table's inputs: one per mean, or none."""
    if not names:
        return ()
    if (
        not isinstance(names, list)
        or len(names) != count
        or not all(isinstance(n, str) and 0 < len(n) <= MAX_INPUT_NAME for n in names)
    ):
        raise DatasetError("preprocessing inputs must name each input of the table once")
    return tuple(names)


PHOTOS = "photos"  # the image-folder option: 1 loads photos as a pretrained network sees them


def photo_folder(root: str | Path) -> DatasetRef:
    """A folder of photos loaded as the ImageNet network sees them (224×224 colour)."""
    return DatasetRef(str(root), {PHOTOS: 1})


def _count(values: Any) -> int:
    return len(values) if isinstance(values, list) else 0


def _values(values: Any, name: str, count: int | None, low: float, high: float) -> tuple:
    """count finite numbers from low to high (one per channel or feature)."""
    if not isinstance(values, list) or not values or len(values) != count:
        raise DatasetError(
            f"preprocessing {name} must list one number per channel or feature ({count})"
        )
    return tuple(finite_number(v, f"preprocessing {name}", low, high) for v in values)


def bundled_shape(name: str) -> tuple[Shape, list[str]]:
    """(input shape, class names) of a bundled data set, without loading it."""
    if name == "mnist5k":
        return (1, 28, 28), DIGITS
    if name in TOY_NAMES:
        return (2,), TOY_CLASSES
    if name in REGRESSION_TOYS:  # one output: the value, named
        return ((1,), ["y"]) if name == "sine" else ((2,), ["value"])
    raise DatasetError(f"'{name}' is not a bundled data set (those are {', '.join(BUNDLED)})")
