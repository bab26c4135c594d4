"""What the live views show beyond weights: activations and decision boundaries."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from playground.core.data.dataset import Dataset, point_inputs
from playground.core.data.ref import PLANE_SPREAD, REGRESSION, Preprocessing
from playground.core.data.stream import ImageFiles
from playground.core.inspect.activations import activation_inputs
from playground.core.inspect.neurons import neuron_layers
from playground.core.model.blocks import MBConv, Residual
from playground.core.model.build import evaluating, logits_part, node_outputs
from playground.core.training.callbacks.snapshots import weight_snapshot
from playground.core.training.evaluate import evaluate_model
from playground.core.training.events import (
    BOUNDARY_EXTENT,
    BOUNDARY_RESOLUTION,
    NEURON_RESOLUTION,
    Evaluation,
    Event,
    Probe,
    ProbeRequest,
)
from playground.core.training.task import task_for

PROBE_BATCH = 256
SPATIAL = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, MBConv, Residual)


def feature_maps(model: nn.Module, x: torch.Tensor) -> list[tuple[str, np.ndarray]]:
    """(layer name, C×H×W activations) after every conv and pooling layer, for one input."""
    return [(name, out[0].cpu().numpy()) for name, out in node_outputs(model, x[None], SPATIAL)]


def boundary_grid(extent: float, resolution: int, dims: int = 2) -> np.ndarray:
    """Points (resolution², 2) covering [-extent, extent]² in raw data coordinates; with dims
    1, (resolution, 1) along [-extent, extent]."""
    axis = np.linspace(-extent, extent, resolution, dtype=np.float32)
    if dims == 1:
        return axis[:, None]
    xx, yy = np.meshgrid(axis, axis)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def _table_plane(
    model: nn.Module, pre: Preprocessing, inputs: tuple[int, int], device: torch.device
) -> np.ndarray:
    """The answers over the plane of two of a table's inputs, each across its mean ± 3
    spreads, every other input at its training mean (0, standardised)."""
    axis = torch.linspace(-PLANE_SPREAD, PLANE_SPREAD, BOUNDARY_RESOLUTION)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    grid = torch.zeros(BOUNDARY_RESOLUTION**2, len(pre.mean))
    grid[:, inputs[0]], grid[:, inputs[1]] = xx.reshape(-1), yy.reshape(-1)
    answers = grid_answers(model, grid.to(device), pre)
    return answers.reshape(BOUNDARY_RESOLUTION, BOUNDARY_RESOLUTION, -1)


@torch.no_grad()
def grid_answers(model: nn.Sequential, grid: torch.Tensor, pre: Preprocessing) -> np.ndarray:
    """What the network answers at normalised grid points (N, outputs): the classes'
    probabilities, or a regression's predicted number in the target's units (N, 1)."""
    if pre.task != REGRESSION:
        return grid_probabilities(model, grid)
    mean, std = pre.target
    with evaluating(model):
        values = logits_part(model)(grid)[:, :1] * std + mean
    return values.cpu().numpy()


@torch.no_grad()
def grid_probabilities(model: nn.Sequential, grid: torch.Tensor) -> np.ndarray:
    """Softmax probabilities (N, classes) at already-normalised grid points."""
    with evaluating(model):
        return torch.softmax(logits_part(model)(grid), dim=1).cpu().numpy()


def probe(
    model: nn.Sequential,
    step: int,
    request: ProbeRequest,
    batch: torch.Tensor | None,
    pre: Preprocessing,
    device: torch.device,
) -> Probe:
    """What request asks for: feature maps of its sample, the decision boundary and the dense
    neurons' outputs over the plane (2-D data), the neurons' mean outputs and the activation
    layers' inputs on batch (normalised inputs, e.g. the trainer's last)."""
    maps = grid = neurons = inputs = None
    if request.sample is not None:
        maps = feature_maps(model, torch.as_tensor(request.sample, device=device))
    dims = pre.plane_dims
    if request.boundary and dims:
        # a function of one number (sine) is drawn as a curve: (resolution, 1) values
        raw = torch.from_numpy(boundary_grid(BOUNDARY_EXTENT, BOUNDARY_RESOLUTION, dims))
        answers = grid_answers(model, point_inputs(raw, pre).to(device), pre)
        grid = (
            answers if dims == 1 else answers.reshape(BOUNDARY_RESOLUTION, BOUNDARY_RESOLUTION, -1)
        )
    elif request.boundary and request.plane is not None and len(pre.mean) > 2:
        grid = _table_plane(model, pre, request.plane, device)
    if request.neurons and batch is not None:
        plane = None
        if dims == 2:
            raw = torch.from_numpy(boundary_grid(BOUNDARY_EXTENT, NEURON_RESOLUTION))
            plane = point_inputs(raw, pre).to(device)
        neurons = neuron_layers(model, batch, plane, NEURON_RESOLUTION)
    if request.activations and batch is not None:
        inputs = activation_inputs(model, batch)
    return Probe(step, maps, grid, neurons, inputs)


def probe_batch(data: Dataset | None, size: int = PROBE_BATCH) -> torch.Tensor | None:
    """The first training samples, on the CPU: the batch probed when no run is going."""
    if data is None or isinstance(data.x_train, ImageFiles):
        return None
    return data.x_train[:size].cpu()


def inspect_weights(
    model: nn.Sequential,
    pre: Preprocessing,
    step: int,
    epoch: int,
    request: ProbeRequest,
    data: Dataset | None = None,
) -> list[Event]:
    """What the views show of trained weights when no run is going: the weights, the probes
    asked for and, given the data set, the validation predictions, as the trainer would
    report them."""
    device = torch.device("cpu")
    events: list[Event] = [weight_snapshot(model, step, epoch)]
    if request.any:
        batch = probe_batch(data)
        events.append(probe(model, step, request, batch, pre, device))
    if data is not None:
        task = task_for(data.preprocessing)
        _, _, p = evaluate_model(model, data.x_val.cpu(), data.y_val.cpu(), task=task)
        events.append(Evaluation.of(epoch, p.numpy()))
    return events


def inspect_snapshot(
    spec, classes: int, pre: Preprocessing, weights, step: int, epoch: int, request, data=None
) -> list[Event]:
    """inspect_weights of a network built from a weight snapshot (weights of spec)."""
    from playground.core.inspect.inference import inference_model

    return inspect_weights(inference_model(spec, classes, weights), pre, step, epoch, request, data)


def snapshot_probabilities(spec, classes: int, weights, batch: np.ndarray) -> np.ndarray:
    """grid_probabilities of the inputs batch (N×C×H×W) by a network built from a weight
    snapshot (weights of spec)."""
    from playground.core.inspect.inference import inference_model

    model = inference_model(spec, classes, weights)
    return grid_probabilities(model, torch.from_numpy(batch))
