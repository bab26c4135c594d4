"""The dense part of a network as neurons: which layers it is, what each neuron outputs on a
batch and, on 2-D data, over the plane; and each neuron's incoming weights as an image."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from playground.core.model.build import GraphNet, evaluating, logits_part, node_names
from playground.core.training.events import NeuronLayer

ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.GELU)
DENSE = (nn.Linear, nn.Dropout, nn.BatchNorm1d, *ACTIVATIONS)


def dense_start(model: nn.Sequential) -> int | None:
    """Index of the first module of the trailing run of dense modules (Linear, activations,
    dropout) that holds a Linear; None if the network ends in none."""
    body = logits_part(model)
    start = len(body)
    while start > 0 and isinstance(body[start - 1], DENSE) and _chained(body, start - 1):
        start -= 1
    if not any(isinstance(m, nn.Linear) for m in body[start:]):
        return None
    while not isinstance(body[start], nn.Linear):  # an activation first has no neurons of its own
        start += 1
    return start


@torch.no_grad()
def dense_outputs(model: nn.Sequential, x: torch.Tensor) -> list[tuple[str, str, torch.Tensor]]:
    """(Linear's card name, activation after it, output (N, neurons)) for each dense layer, the
    input of the dense part first as ('input', '', (N, features)); [] without a dense part."""
    start = dense_start(model)
    if start is None:
        return []
    body = logits_part(model)
    out = _input_of(body, start, x).flatten(1)
    layers: list[tuple[str, str, torch.Tensor]] = [("input", "", out)]
    names = node_names(body)
    for i in range(start, len(body)):
        module = body[i]
        out = module(out)
        if isinstance(module, nn.Linear):
            layers.append((names[i], "", out))
        elif isinstance(module, ACTIVATIONS) and not layers[-1][1]:
            layers[-1] = (layers[-1][0], type(module).__name__, out)
        else:
            layers[-1] = (*layers[-1][:2], out)
    return layers


@torch.no_grad()
def neuron_layers(
    model: nn.Sequential, batch: torch.Tensor, plane: torch.Tensor | None, resolution: int
) -> list[NeuronLayer]:
    """Each dense layer's mean output over batch and, given the normalised grid points of a
    plane (resolution², features), its output over that plane (neurons, R, R)."""
    with evaluating(model):
        on_batch = dense_outputs(model, batch)
        on_plane = dense_outputs(model, plane) if plane is not None else None
    # the first dense layer's weights are pictures only where it weighs the input's pixels;
    # a CNN's weigh feature maps (drawn as pictures, they read as noise stripes)
    start = dense_start(model) or 0
    pixels = all(isinstance(m, nn.Flatten) for m in logits_part(model)[:start])
    before_flatten = tuple(_input_shape(model, batch))
    layers = []
    for k, (name, activation, out) in enumerate(on_batch):
        planes = None
        if on_plane is not None:
            grid = on_plane[k][2].T.reshape(-1, resolution, resolution)
            planes = grid.cpu().numpy().astype(np.float32)
        mean = out.mean(0).cpu().numpy().astype(np.float32)
        shape = before_flatten if k == 0 and pixels else (out.shape[1],)
        layers.append(NeuronLayer(name, activation, mean, planes, shape))
    return layers


def _input_shape(model: nn.Sequential, batch: torch.Tensor) -> torch.Size:
    """The shape of one sample as it enters the dense part, before it is flattened."""
    start = dense_start(model) or 0
    body = logits_part(model)
    flatten = next((i for i in range(start) if isinstance(body[i], nn.Flatten)), start)
    return _input_of(body, flatten, batch[:1]).shape[1:]


def _chained(body: nn.Module, index: int) -> bool:
    """Whether node index reads only the node before it (always, in a stack)."""
    if not isinstance(body, GraphNet) or index == 0:
        return True
    return body.order[index][1] == (body.order[index - 1][0],)


def _input_of(body: nn.Module, index: int, x: torch.Tensor) -> torch.Tensor:
    """What reaches node index when x goes through body (x itself for the first node)."""
    if index >= len(body):
        return body(x)
    seen: list[torch.Tensor] = []
    handle = body[index].register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    try:
        body(x)
    finally:
        handle.remove()
    return seen[0]
