"""The 2-D toy sets of TensorFlow Playground: circle, xor, gauss, spiral (two classes each)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

TOY_NAMES = ("circle", "xor", "gauss", "spiral")
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


_MAKERS: dict[str, Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
}


def make_toy(name: str, samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points (N×2, float32) and labels (N, int64); noise 0..1 jitters the points."""
    rng = np.random.default_rng(seed)
    pts, labels = _MAKERS[name](rng, samples, noise)
    if name != "gauss":
        pts = pts + rng.normal(0, noise * RADIUS * 0.1, pts.shape)
    return pts.astype(np.float32), labels.astype(np.int64)
