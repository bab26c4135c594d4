"""A data set as the views draw it: numpy arrays, made once when the data set changes (the
views never convert tensors themselves)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.data.dataset import Dataset, apply_normalisation, denormalise
from playground.core.data.ref import REGRESSION, Preprocessing

Points = tuple[np.ndarray, np.ndarray]  # (N×2 coordinates, N true answers)


@dataclass(frozen=True)
class ViewArrays:
    class_names: list[str]
    val_answers: np.ndarray  # (N,): class indices, or a regression's numbers in their units
    regression: bool
    samples: np.ndarray | None  # images: the network's validation inputs, N×C×H×W normalised
    pictures: np.ndarray | None  # images: the same in raw [0, 1] pixels
    train_points: Points | None  # points of a plane: where they lie, whatever features of
    val_points: Points | None  # them the network gets


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
    return ViewArrays(d.class_names, y_val, regression, samples, pictures, train, val)


def network_input(model_input: np.ndarray, pre: Preprocessing) -> np.ndarray:
    """A picture as preprocessing made it (C×H×W in [0, 1]) normalised as the network gets it."""
    import torch

    return apply_normalisation(torch.from_numpy(model_input), pre).numpy()


def as_pictures(raw: np.ndarray) -> np.ndarray:
    """(N, C, H, W) samples in [0, 1] as pictures: (N, H, W) gray or (N, H, W, 3) colour."""
    return raw[:, 0] if raw.shape[1] == 1 else raw.transpose(0, 2, 3, 1)
