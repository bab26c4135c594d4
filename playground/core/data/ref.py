"""What a data set is before it is loaded: where it comes from, how its inputs are made, and the
shape of the bundled ones. No torch here: the window reads these to open, before PyTorch loads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playground.core.data.toy import TOY_NAMES
from playground.core.errors import DatasetError
from playground.core.layers import Shape

RESOURCES = Path(__file__).resolve().parents[3] / "resources"
MNIST5K = (RESOURCES / "mnist5k-images-idx3-ubyte.gz", RESOURCES / "mnist5k-labels-idx1-ubyte.gz")
BUNDLED = ("mnist5k", *TOY_NAMES)
DIGITS = [str(d) for d in range(10)]
TOY_CLASSES = ["blue", "orange"]


@dataclass(frozen=True)
class Preprocessing:
    """How raw input became a network input; applied again to user images at inference."""

    kind: str  # "image" or "points"
    mean: tuple[float, ...]  # per channel (image) or per feature (points)
    std: tuple[float, ...]
    size: tuple[int, int] | None = None  # (height, width) for images
    channels: int | None = None  # 1 gray, 3 RGB
    recipe: str = "resize"  # "resize" or "mnist" (invert, crop to ink, 20×20 box, centre by mass)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Preprocessing:
        size = d.get("size")
        return cls(
            kind=str(d["kind"]),
            mean=tuple(float(v) for v in d["mean"]),
            std=tuple(float(v) for v in d["std"]),
            size=tuple(int(v) for v in size) if size else None,  # type: ignore[arg-type]
            channels=int(d["channels"]) if d.get("channels") else None,
            recipe=str(d.get("recipe", "resize")),
        )


@dataclass(frozen=True)
class DatasetRef:
    """Where a data set comes from: a bundled name or a path, plus its options."""

    source: str
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "options": dict(self.options)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DatasetRef:
        return cls(str(d["source"]), dict(d.get("options") or {}))


def bundled_shape(name: str) -> tuple[Shape, list[str]]:
    """(input shape, class names) of a bundled data set, without loading it."""
    if name == "mnist5k":
        return (1, 28, 28), DIGITS
    if name in TOY_NAMES:
        return (2,), TOY_CLASSES
    raise DatasetError(f"'{name}' is not a bundled data set (those are {', '.join(BUNDLED)})")
