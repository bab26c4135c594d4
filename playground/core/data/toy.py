"""The toy sets of TensorFlow Playground: circle, xor, gauss, spiral (two classes each of 2-D
points), its regression sets plane and multigauss (a number for each 2-D point), and sine, a 1-D
function to fit."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

TOY_NAMES = ("circle", "xor", "gauss", "spiral")
REGRESSION_TOYS = ("plane", "multigauss", "sine")
RADIUS = 5.0  # points lie in [-5, 5]², as in TensorFlow Playground


def _circle(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    r_in = rng.uniform(0, RADIUS * 0.5, half)
    r_out = rng.uniform(RADIUS * 0.7, RADIUS, n - half)
    r = np.concatenate([r_in, r_out])
    angle = rng.uniform(0, 2 * np.pi, n)
    pts = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    labels = np.concatenate([np.zeros(half), np.ones(n - half)])
    return pts, labels


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    pts = rng.uniform(-RADIUS, RADIUS, (n, 2))
    pts += np.where(pts > 0, 0.3, -0.3)  # keep points off the axes, as TF Playground does
    labels = (pts[:, 0] * pts[:, 1] < 0).astype(float)
    return pts, labels


def _gauss(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    spread = 0.5 + 3.0 * noise
    a = rng.normal((2, 2), spread, (half, 2))
    b = rng.normal((-2, -2), spread, (n - half, 2))
    return np.concatenate([a, b]), np.concatenate([np.zeros(half), np.ones(n - half)])


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    pts, labels = [], []
    for label, delta in ((0, 0.0), (1, np.pi)):
        i = np.arange(half if label == 0 else n - half)
        r = i / len(i) * RADIUS
        t = 1.75 * i / len(i) * 2 * np.pi + delta
        pts.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        labels.append(np.full(len(i), label))
    return np.concatenate(pts), np.concatenate(labels)


def _plane(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """A tilted plane: the value grows from -1 to 1 along the diagonal x₁ + x₂."""
    pts = rng.uniform(-RADIUS, RADIUS, (n, 2))
    return pts, (pts[:, 0] + pts[:, 1]) / (2 * RADIUS)


# (x₁, x₂, sign) of TensorFlow Playground's six bumps, scaled from its [-6, 6]² to ours
_BUMPS = [(x * RADIUS / 6, y * RADIUS / 6, s) for x, y, s in (
    (-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)
)]  # fmt: skip


def _multigauss(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Six bumps, up (1) and down (-1) in turn: each point takes the value of the strongest,
    falling linearly to 0 at a distance of 2 (as TensorFlow Playground does)."""
    pts = rng.uniform(-RADIUS, RADIUS, (n, 2))
    values = np.zeros(n)
    for x, y, sign in _BUMPS:
        reach = sign * np.clip(1 - np.hypot(pts[:, 0] - x, pts[:, 1] - y) / 2, 0, 1)
        values = np.where(np.abs(reach) > np.abs(values), reach, values)
    return pts, values


def _sine(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """y = sin x for x in [-5, 5], the noise added to y (points are one number here)."""
    x = np.sort(rng.uniform(-RADIUS, RADIUS, n))
    return x[:, None], np.sin(x) + rng.normal(0, noise, n)


_MAKERS: dict[str, Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "plane": _plane,
    "multigauss": _multigauss,
    "sine": _sine,
}


def make_toy(name: str, samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points (N×2, or N×1 for sine; float32) and labels (N: int64 classes, or float32 values
    for the regression sets); noise 0..1 jitters the points (sine: its values)."""
    rng = np.random.default_rng(seed)
    pts, labels = _MAKERS[name](rng, samples, noise)
    if name not in ("gauss", "sine"):
        pts = pts + rng.normal(0, noise * RADIUS * 0.1, pts.shape)
    kind = np.float32 if name in REGRESSION_TOYS else np.int64
    return pts.astype(np.float32), labels.astype(kind)
