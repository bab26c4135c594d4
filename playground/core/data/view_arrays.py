"""A data set as the views draw it: numpy arrays, made once when the data set changes (the
views never convert tensors themselves)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.data.dataset import Dataset, apply_normalisation, denormalise
from playground.core.data.ref import PLANE_SPREAD, REGRESSION, Preprocessing

Points = tuple[np.ndarray, np.ndarray]  # (N×2 coordinates, N true answers)
Extent = tuple[float, float, float, float]  # left, bottom, width, height in the data's units


@dataclass(frozen=True)
class TableInputs:
    """A table of more than two inputs as its rows were read: any two of its inputs span the
    Boundary plane."""

    names: tuple[str, ...]
    train: Points  # (N×inputs raw values, N true answers)
    val: Points
    mean: np.ndarray  # each input's training mean and spread, in its units
    std: np.ndarray

    def plane(self, i: int, j: int) -> tuple[Points, Points, Extent]:
        """The points over inputs i (across) and j (up), and the plane they span: each input's
        mean ± PLANE_SPREAD spreads."""
        pick = [i, j]
        (x_train, y_train), (x_val, y_val) = self.train, self.val
        m, s = self.mean, self.std * PLANE_SPREAD
        extent = (m[i] - s[i], m[j] - s[j], 2 * s[i], 2 * s[j])
        return (x_train[:, pick], y_train), (x_val[:, pick], y_val), extent


@dataclass(frozen=True)
class ViewArrays:
    class_names: list[str]
    val_answers: np.ndarray  # (N,): class indices, or a regression's numbers in their units
    regression: bool
    samples: np.ndarray | None  # images: the network's validation inputs, N×C×H×W normalised
    pictures: np.ndarray | None  # images: the same in raw [0, 1] pixels
    train_points: Points | None  # points of a plane: where they lie, whatever features of
    val_points: Points | None  # them the network gets
    table: TableInputs | None  # a table of more than two inputs


def view_arrays(d: Dataset) -> ViewArrays:
    """What the views show of d's validation (and, for points, training) samples."""
    y_train, y_val = d.true_answers()
    samples = pictures = train = val = None
    if d.preprocessing.kind == "image":
        x = d.x_val.cpu()
        samples, pictures = x.numpy(), denormalise(x, d.preprocessing).numpy()
    if d.preprocessing.plane_dims is not None:
        raw_train, raw_val = (p.cpu().numpy() for p in d.raw_points())
        train, val = (raw_train, y_train), (raw_val, y_val)
    regression = d.task == REGRESSION
    table = _table_inputs(d, y_train, y_val)
    return ViewArrays(d.class_names, y_val, regression, samples, pictures, train, val, table)


def _table_inputs(d: Dataset, y_train: np.ndarray, y_val: np.ndarray) -> TableInputs | None:
    """A table's inputs in their own units, or None for any other data set."""
    pre = d.preprocessing
    if pre.plane_dims is not None or len(pre.inputs) <= 2:
        return None
    mean, std = np.array(pre.mean), np.array(pre.std)

    def raw(x) -> np.ndarray:
        return x.cpu().numpy() * std + mean

    return TableInputs(
        tuple(pre.inputs), (raw(d.x_train), y_train), (raw(d.x_val), y_val), mean, std
    )


def network_input(model_input: np.ndarray, pre: Preprocessing) -> np.ndarray:
    """A picture as preprocessing made it (C×H×W in [0, 1]) normalised as the network gets it."""
    import torch

    return apply_normalisation(torch.from_numpy(model_input), pre).numpy()


def as_pictures(raw: np.ndarray) -> np.ndarray:
    """(N, C, H, W) samples in [0, 1] as pictures: (N, H, W) gray or (N, H, W, 3) colour."""
    return raw[:, 0] if raw.shape[1] == 1 else raw.transpose(0, 2, 3, 1)
