"""The embedding projector's points: what the last hidden layer makes of each validation sample
(the input of the final Linear), placed in 2-D by PCA, t-SNE or UMAP, with the sample's label,
the network's answer and how strange the sample looks to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from playground.core.errors import PlaygroundError
from playground.core.inspect.familiarity import Familiarity
from playground.core.model.build import evaluating, logits_part

METHODS = ("pca", "tsne", "umap")
FEWEST_TO_FIT = 4  # samples UMAP, t-SNE and PCA all need (fewer are placed by hand)
MAX_POINTS = 2000  # validation samples placed: t-SNE of 2,000 takes ~10 s on 2 cores
CHUNK = 256  # samples a forward pass reads: a check between chunks cancels within ~50 ms
NEIGHBOURS = 5  # the vote that measures how well the plane keeps the classes apart


@dataclass(frozen=True)
class Embedding:
    """Per sample: its place in the plane, true class, predicted class and strangeness."""

    xy: np.ndarray  # (N, 2) float32
    labels: np.ndarray  # (N,) class indices
    predicted: np.ndarray  # (N,) class indices
    indices: np.ndarray  # (N,) the samples' indices in the validation set
    strangeness: np.ndarray | None  # (N,), above 1 a stranger; None without statistics
    method: str

    @property
    def misclassified(self) -> np.ndarray:
        return self.predicted != self.labels

    @property
    def strangers(self) -> np.ndarray:
        if self.strangeness is None:
            return np.zeros(len(self.labels), bool)
        return self.strangeness > 1

    def neighbour_agreement(self, k: int = NEIGHBOURS) -> float:
        """The share of points whose k nearest others in the plane mostly share its class."""
        return neighbour_agreement(self.xy, self.labels, k)


def check_method(method: str) -> None:
    """PlaygroundError for an unknown method, or UMAP without umap-learn installed."""
    if method not in METHODS:
        raise PlaygroundError(f"unknown method '{method}' (use {', '.join(METHODS)})")
    if method == "umap":
        try:
            import umap  # noqa: F401
        except ImportError:
            raise PlaygroundError(
                "UMAP needs umap-learn: pip install 'neural-playground[umap]'"
            ) from None


def embed(
    model: nn.Sequential,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    method: str = "pca",
    familiarity: Familiarity | None = None,
    check: Callable[[], None] | None = None,
    seed: int = 0,
) -> Embedding:
    """Place the first MAX_POINTS validation samples by what model's last hidden layer makes of
    them; check is called between chunks (it may raise to cancel)."""
    check_method(method)
    n = min(len(x_val), MAX_POINTS)
    features, logits = hidden_features(model, x_val, n, check)
    if check is not None:
        check()
    xy = place(features, method, seed)
    strange = familiarity.strangeness(logits).numpy() if familiarity else None
    return Embedding(
        xy.astype(np.float32),
        y_val[:n].cpu().numpy(),
        logits.argmax(1).numpy(),
        np.arange(n),
        strange,
        method,
    )


def final_linear(model: nn.Sequential) -> nn.Linear:
    """The last Linear module: its input is the last hidden layer's output."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise PlaygroundError("the network has no Linear layer whose input could be shown")
    return linears[-1]


def hidden_features(
    model: nn.Sequential, x: Any, n: int, check: Callable[[], None] | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """(the final Linear's inputs (n, F), the logits (n, classes)) for the first n samples of
    x (a tensor or streamed files), on the CPU."""
    captured: list[torch.Tensor] = []

    def keep(module: nn.Module, args: tuple[Any, ...]) -> None:
        captured.append(args[0].detach().flatten(1).float().cpu())

    net = logits_part(model)
    handle = final_linear(model).register_forward_pre_hook(keep)
    logits = []
    try:
        with evaluating(model), torch.no_grad():
            for i in range(0, n, CHUNK):
                if check is not None:
                    check()
                logits.append(net(x[i : min(i + CHUNK, n)]).float().cpu())
    finally:
        handle.remove()
    return torch.cat(captured), torch.cat(logits)


def place(features: torch.Tensor, method: str, seed: int = 0) -> np.ndarray:
    """(N, 2) positions of N feature vectors."""
    values = features.numpy().astype(np.float64)
    if values.shape[1] < 2:  # one feature: nothing to project, it is the x axis
        return np.column_stack([values[:, 0], np.zeros(len(values))])
    if len(values) < FEWEST_TO_FIT:  # too few for the methods to fit: their principal axes
        centred = values - values.mean(axis=0)
        u, s, _ = np.linalg.svd(centred, full_matrices=False)
        xy = u[:, :2] * s[:2]
        return np.pad(xy, ((0, 0), (0, 2 - xy.shape[1])))
    if method == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=2, random_state=seed).fit_transform(values)
    if method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = min(30.0, max(2.0, (len(values) - 1) / 3))
        return TSNE(2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(values)
    import umap

    # one job: a seeded UMAP runs single-threaded anyway (and warns when told otherwise)
    return umap.UMAP(n_components=2, random_state=seed, n_jobs=1).fit_transform(values)


def neighbour_agreement(xy: np.ndarray, labels: np.ndarray, k: int = NEIGHBOURS) -> float:
    """Leave-one-out k-nearest-neighbour vote in the plane: the share it gets right."""
    from sklearn.neighbors import KNeighborsClassifier

    if len(xy) <= k:
        return float("nan")
    knn = KNeighborsClassifier(n_neighbors=k + 1).fit(xy, labels)
    _, nearest = knn.kneighbors(xy)
    votes = labels[nearest[:, 1:]]  # the first neighbour is the point itself
    majority = np.array([np.bincount(v).argmax() for v in votes])
    return float(np.mean(majority == labels))
