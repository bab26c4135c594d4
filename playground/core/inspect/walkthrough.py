"""Backpropagation walked through for one sample: every layer's activation forward, the
probabilities and the cost, every layer's gradients backward, then the optimizer's update.

The numbers are PyTorch's own: a copy of the trainer's weights run through the same modules,
activations and output gradients caught with autograd hooks, the update made by the trainer's
kind of optimizer (with its state, when the run is paused)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from playground.core.model.build import build_model, logits_part, node_consumers, node_prefixes
from playground.core.model.spec import NetworkSpec
from playground.core.numbers import apart, number
from playground.core.training.config import TrainConfig
from playground.core.training.optim import make_optimizer
from playground.core.training.regularization import penalised_weights, penalty

Arrays = list[tuple[str, np.ndarray]]
NAMES = {"adam": "Adam", "adamw": "AdamW", "sgd": "SGD", "rmsprop": "RMSprop"}
FORMULAS = {
    "Linear": "z = W·x + b: each neuron's weighted sum of its inputs, plus its bias",
    "Conv2d": "each filter slides over the input; at every position a dot product + bias",
    "ReLU": "max(0, z): negatives become 0",
    "LeakyReLU": "z if z > 0 else a small slope · z",
    "Sigmoid": "1 / (1 + e^−z): squashed into 0..1",
    "Tanh": "tanh z: squashed into −1..1",
    "GELU": "z · Φ(z): a smooth ReLU",
    "Flatten": "the same numbers in one row",
    "MaxPool2d": "the largest value of each window",
    "AvgPool2d": "the mean of each window",
    "Dropout": "off while looking at one sample (eval mode): passes its input on",
    "BatchNorm1d": "normalised with the running mean and variance, then scaled and shifted",
    "BatchNorm2d": "normalised with the running mean and variance, then scaled and shifted",
}


@dataclass(frozen=True)
class Stage:
    """One screen of the walk-through: what it is, the numbers, and the arrays to show."""

    kind: str  # "input", "forward", "cost", "backward" or "update"
    title: str
    text: str
    arrays: Arrays = field(default_factory=list)


@dataclass(frozen=True)
class Walkthrough:
    label: int
    probabilities: np.ndarray  # (classes,)
    loss: float  # the cross-entropy, −log p[label]
    activations: Arrays  # (layer, its output) in forward order
    output_grads: Arrays  # (layer, ∂cost/∂its output) in forward order
    weight_grads: dict[str, np.ndarray]  # parameter name (state-dict key) -> ∂cost/∂it
    updates: dict[str, tuple[np.ndarray, np.ndarray]]  # parameter name -> (before, after)
    stages: list[Stage]


def walk_through(
    spec: NetworkSpec,
    num_classes: int,
    weights: dict[str, torch.Tensor],
    x: np.ndarray,
    label: int,
    config: TrainConfig,
    class_names: list[str],
    optimizer_state: dict[str, Any] | None = None,
) -> Walkthrough:
    """Forward, cost, backward and update for one sample x (normalised, without the batch
    axis) of class label, on a copy of weights; optimizer_state, the trainer's, makes the
    update the one its next step would make (without it the optimizer starts fresh)."""
    model = build_model(spec, num_classes)
    model.load_state_dict(weights)
    model.eval()  # one sample: dropout off and batch-norm on its running statistics
    net = logits_part(model)
    prefixes = node_prefixes(model)
    names = list(prefixes)
    outputs: list[torch.Tensor] = []
    grads: dict[int, torch.Tensor] = {}

    def keep(module: nn.Module, args: object, out: torch.Tensor) -> None:
        index = len(outputs)
        outputs.append(out)
        if out.requires_grad:  # not a layer before the first with weights (Flatten)
            out.register_hook(lambda g: grads.__setitem__(index, g))

    handles = [m.register_forward_hook(keep) for m in net]
    try:
        inp = torch.as_tensor(x, dtype=torch.float32).unsqueeze(0)
        logits = net(inp)
        loss = F.cross_entropy(logits, torch.tensor([label]))
        extra = penalty(penalised_weights(model), config)
        (loss if extra is None else loss + extra).backward()
    finally:
        for h in handles:
            h.remove()
    probs = torch.softmax(logits.detach(), 1)[0].numpy()
    acts = [(names[i], o.detach()[0].numpy()) for i, o in enumerate(outputs)]
    out_grads = [(names[i], grads[i][0].numpy()) for i in range(len(outputs)) if i in grads]
    params = dict(model.named_parameters())
    weight_grads = {k: p.grad.numpy().copy() for k, p in params.items() if p.grad is not None}
    updates = _update(model, config, optimizer_state)
    stages = _stages(x, label, class_names, acts, out_grads, probs, loss.item(), extra)
    stages += _backward_stages(prefixes, node_consumers(model), out_grads, weight_grads)
    stages += _update_stages(prefixes, config, weight_grads, updates, optimizer_state)
    return Walkthrough(label, probs, loss.item(), acts, out_grads, weight_grads, updates, stages)


def _update(
    model: nn.Module, config: TrainConfig, state: dict[str, Any] | None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(before, after) of every parameter after one step of the trainer's optimizer."""
    params = dict(model.named_parameters())
    before = {k: p.detach().clone().numpy() for k, p in params.items()}
    optimizer = make_optimizer(config, params.values())
    if state is not None:
        optimizer.load_state_dict(state)
    with torch.no_grad():
        optimizer.step()
    return {k: (before[k], p.detach().numpy().copy()) for k, p in params.items()}


def _stages(x, label, class_names, acts, out_grads, probs, loss, extra) -> list[Stage]:
    name = class_names[label] if label < len(class_names) else str(label)
    stages = [
        Stage(
            "input",
            "The sample",
            f"One training sample of class {name}, as the network gets it (normalised). "
            "Next runs it forward, layer by layer.",
            [("input", np.asarray(x))],
        )
    ]
    previous = np.asarray(x)
    for layer, a in acts:
        kind = layer.split(" ", 1)[1]
        formula = FORMULAS.get(kind, "its own function of its input")
        stages.append(
            Stage(
                "forward",
                f"Forward: {layer}",
                f"{_shape(previous.shape)} in → {_shape(a.shape)} out. {formula}.",
                [(f"output of {layer}", a)],
            )
        )
        previous = a
    p = float(probs[label])
    top = int(np.argmax(probs))
    verdict = "right" if top == label else f"wrong: it says {class_names[top]}"
    penalty_text = f" The regularisation adds {number(extra.item())}." if extra is not None else ""
    stages.append(
        Stage(
            "cost",
            "Probabilities and the cost",
            f"softmax turns the scores into probabilities: p[{name}] = {number(p)} ({verdict}). "
            f"The cost is the cross-entropy against the label: −log p[{name}] = "
            f"−log {number(p)} = {number(loss)}.{penalty_text} Next goes backward from the cost.",
            [("scores z", acts[-1][1]), ("probabilities p", probs)],
        )
    )
    return stages


def _own_params(prefix: str, weight_grads: dict[str, np.ndarray]) -> list[str]:
    """The state-dict keys under prefix (one layer's) that have gradients: weight and bias
    of a plain layer, or a block's (MBConv, Residual) inner ones, in the module's order."""
    own = [k for k in weight_grads if k.startswith(prefix)]
    plain = [f"{prefix}{part}" for part in ("weight", "bias") if f"{prefix}{part}" in own]
    return plain or own


def _backward_stages(prefixes, consumers, out_grads, weight_grads) -> list[Stage]:
    stages = []
    # only layers whose output has a gradient: none before the first layer with weights
    for layer, grad in reversed(out_grads):
        prefix = prefixes[layer]
        own = _own_params(prefix, weight_grads)
        arrays = [(f"∂cost/∂(output of {layer})", grad)]
        arrays += [(f"∂cost/∂{k[len(prefix) :]}", weight_grads[k]) for k in own[:2]]
        if len(own) > 2:
            weights = (
                f", and with each of its {len(own)} weight tensors (a block: the chain rule "
                "runs through its inner layers too); shown: the first two."
            )
        elif own:
            weights = ", and with each of its weights: input × output gradient."
        else:
            weights = ". It has no weights: it only passes the gradient down."
        readers = consumers.get(layer, [])
        source = "the layer above" if len(readers) < 2 else "each of them, summed"
        text = (
            f"How the cost changes with this layer's output (the chain rule, from {source})"
            f"{weights}"
        )
        if len(readers) > 1:
            text += (
                f" Its output feeds {len(readers)} nodes ({', '.join(readers)}): the gradients "
                "that come back along each path add up here. That is what a skip connection "
                "does: the gradient reaches early layers by the short path too."
            )
        stages.append(Stage("backward", f"Backward: {layer}", text, arrays))
    return stages


def _update_stages(prefixes, config, weight_grads, updates, state) -> list[Stage]:
    stages = []
    # SGD's first step (a fresh momentum buffer is g itself) and momentum-free SGD: w − lr·g
    fresh = state is None or config.momentum == 0
    plain = config.optimizer == "sgd" and fresh and config.weight_decay == 0
    for layer, prefix in prefixes.items():
        own = [k for k in _own_params(prefix, weight_grads) if k in updates]
        if not own:
            continue
        key = own[0]  # a plain layer's weight, a block's first weight tensor
        inner = key[len(prefix) :]
        what = "" if inner == "weight" else f" ({inner})"
        before, after = updates[key]
        g = weight_grads[key]
        if plain:
            at = np.unravel_index(int(np.argmax(np.abs(g))), g.shape)
            w_before, w_after = apart(before[at], after[at])
            text = (
                f"Gradient descent: w ← w − lr·g with lr = {config.lr:g}. For the weight "
                f"with the largest gradient: {w_before} − {config.lr:g}·({number(g[at])}) = "
                f"{w_after}."
            )
            arrays = [("w before", before), ("lr·g", config.lr * g), ("w after", after)]
        else:
            since = "from a fresh state" if state is None else "with the run's own state"
            text = (
                f"The update {NAMES[config.optimizer]} makes ({since}, lr = {config.lr:g}); "
                "it is not exactly lr·g: momentum and moments rescale it. Δw = after − before."
            )
            arrays = [("w before", before), ("Δw", after - before), ("w after", after)]
        stages.append(Stage("update", f"Update: {layer}{what}", text, arrays))
    return stages


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) if shape else "1"
