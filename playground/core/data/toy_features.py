"""Input features of the 2-D toy sets, as TensorFlow Playground offers them: the network may
get x₁², x₁·x₂, sin x₁ … of each point instead of (or beside) its coordinates."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from playground.core.errors import DatasetError

Column = Callable[[np.ndarray, np.ndarray], np.ndarray]
# key (as saved in the data set's options): (label, the column from x1 and x2)
FEATURES: dict[str, tuple[str, Column]] = {
    "x1": ("x₁", lambda a, b: a),
    "x2": ("x₂", lambda a, b: b),
    "x1sq": ("x₁²", lambda a, b: a * a),
    "x2sq": ("x₂²", lambda a, b: b * b),
    "x1x2": ("x₁·x₂", lambda a, b: a * b),
    "sinx1": ("sin x₁", lambda a, b: np.sin(a)),
    "sinx2": ("sin x₂", lambda a, b: np.sin(b)),
}
DEFAULT = ("x1", "x2")


def parse_features(text: str) -> tuple[str, ...]:
    """'x1,x2,x1x2' as feature keys, in the catalog's order; DatasetError naming a wrong one."""
    keys = [k.strip() for k in str(text).split(",") if k.strip()]
    unknown = [k for k in keys if k not in FEATURES]
    if unknown:
        raise DatasetError(f"unknown input feature '{unknown[0][:40]}' (use {', '.join(FEATURES)})")
    if not keys:
        raise DatasetError("choose at least one input feature (x1, x2, …)")
    return tuple(k for k in FEATURES if k in keys)


def derive(points: np.ndarray, keys: tuple[str, ...]) -> np.ndarray:
    """(N, len(keys)) float32: the chosen features of points (N×2 raw coordinates)."""
    a, b = points[:, 0], points[:, 1]
    return np.stack([FEATURES[k][1](a, b) for k in keys], axis=1).astype(np.float32)


def labels(keys: tuple[str, ...]) -> list[str]:
    return [FEATURES[k][0] for k in keys]
