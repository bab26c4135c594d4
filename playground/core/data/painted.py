"""Painted data: 2-D points a person drew with the mouse, each of a class. The points travel in
the data set's reference as text ("x y class;…"), so a project keeps them like any option."""

from __future__ import annotations

import math

import numpy as np

from playground.core.data.ref import DatasetRef
from playground.core.errors import DatasetError

PAINTED = "painted"
PAINT_CLASSES = ("blue", "orange", "green", "purple", "red", "grey")  # the Boundary colours
MAX_PAINTED = 5000  # points: a minute of drawing with a dense brush
PLANE = 6.0  # points lie in [-6, 6]², the plane the Boundary view draws


def encode_points(points: np.ndarray, labels: np.ndarray) -> str:
    """N×2 coordinates and their classes as the reference keeps them: 'x y c;x y c'."""
    return ";".join(f"{x:.3f} {y:.3f} {int(c)}" for (x, y), c in zip(points, labels, strict=True))


def decode_points(text: object) -> tuple[np.ndarray, np.ndarray]:
    """(N×2 float32 points, N int64 classes) of encoded text; DatasetError naming what is
    wrong (too many points, a point off the plane, an unknown class, not numbers)."""
    if not isinstance(text, str):
        raise DatasetError("the painted points must be text: 'x y class;…'")
    items = [p for p in text.split(";") if p.strip()]
    if len(items) > MAX_PAINTED:
        raise DatasetError(f"{len(items):,} painted points: at most {MAX_PAINTED:,} are kept")
    points, labels = np.zeros((len(items), 2), np.float32), np.zeros(len(items), np.int64)
    for i, item in enumerate(items):
        parts = item.split()
        try:
            x, y, c = float(parts[0]), float(parts[1]), int(parts[2])
            if len(parts) != 3:
                raise ValueError
        except (ValueError, IndexError):
            raise DatasetError(f"painted point {i + 1} is not 'x y class'") from None
        if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > PLANE:
            raise DatasetError(f"painted point {i + 1} lies off the plane [-{PLANE:g}, {PLANE:g}]²")
        if not 0 <= c < len(PAINT_CLASSES):
            raise DatasetError(
                f"painted point {i + 1} has class {c}: classes are 0 to {len(PAINT_CLASSES) - 1}"
            )
        points[i], labels[i] = (x, y), c
    return points, labels


def painted_ref(points: np.ndarray, labels: np.ndarray) -> DatasetRef:
    return DatasetRef(PAINTED, {"points": encode_points(points, labels)})


def painted_classes(labels: np.ndarray) -> list[str]:
    """The class names up to the highest class painted; DatasetError unless two have points."""
    if len(np.unique(labels)) < 2:
        raise DatasetError(
            "paint points of at least two classes: with one there is nothing to tell apart"
        )
    return list(PAINT_CLASSES[: int(labels.max()) + 1])


def brush(
    centre: tuple[float, float], radius: float, density: int, rng: np.random.Generator
) -> np.ndarray:
    """density points (N×2) spread evenly over a disc of radius around centre, kept on the
    plane: one dab of the brush (radius 0: the one point clicked)."""
    angle = rng.uniform(0, 2 * np.pi, density)
    r = radius * np.sqrt(rng.uniform(0, 1, density))  # √: even over the disc's area
    dab = np.stack([centre[0] + r * np.cos(angle), centre[1] + r * np.sin(angle)], axis=1)
    return np.clip(dab, -PLANE, PLANE).astype(np.float32)


def erase(points: np.ndarray, centre: tuple[float, float], radius: float) -> np.ndarray:
    """Which points (a boolean mask) lie outside the disc of radius around centre."""
    return np.hypot(points[:, 0] - centre[0], points[:, 1] - centre[1]) > radius
