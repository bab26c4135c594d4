"""What a check looks at: the network's structure, read from its spec, and its metrics,
measured here on the data set's validation split (never numbers stored in a project file)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core.model.layers import CATALOG
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.core.io.project import Project

# layers made of neurons that learn: all but the last of them are hidden layers
NEURON_LAYERS = ("Linear", "Conv2d", "MBConv", "Residual", "EfficientNet-Lite0")
# activation functions; Softmax only turns the scores into probabilities
ACTIVATIONS = frozenset(
    name for name, t in CATALOG.items() if t.group == "activations" and name != "Softmax"
)
MERGES = frozenset(name for name, t in CATALOG.items() if t.group == "merge")
# sealed cards with a shortcut inside (a residual block, MBConv, the network made of them)
SKIP_CARDS = ("Residual", "MBConv", "EfficientNet-Lite0")
MEASURED = ("val_accuracy", "val_r2", "val_mae", "val_loss", "train_loss")  # what checks read


@dataclass(frozen=True)
class Facts:
    layers: tuple[dict[str, Any], ...]  # each layer's parameters
    layer_types: tuple[str, ...]
    hidden_layers: int
    neurons: int  # of the hidden Linear layers
    params: int
    epochs: int
    steps: int
    settings: dict[str, Any]
    same_as_start: bool
    skips: int  # shortcuts: merges of two or more paths, and cards with one inside
    trained_with: dict[str, list]  # setting -> the values it took while the weights trained
    record_trusted: bool  # the epochs, steps and settings trained with are the app's own
    val_accuracy: float = math.nan
    val_r2: float = math.nan  # a regression's R²
    val_mae: float = math.nan  # a regression's mean absolute error, in the target's units
    val_loss: float = math.nan
    train_loss: float = math.nan
    unmeasured: str = ""  # why the metrics could not be measured; "" when they were


def structure_facts(project: Project, start: NetworkSpec | None) -> dict[str, Any]:
    """The facts read from the spec, the settings and the history (no torch needed)."""
    spec = project.spec
    types = tuple(layer.type for layer in spec.layers)
    learning = [i for i, t in enumerate(types) if t in NEURON_LAYERS]
    hidden = learning[:-1]
    neurons = sum(spec.layers[i].params["out_features"] for i in hidden if types[i] == "Linear")
    report = infer_shapes(spec, len(project.class_names) or None)
    same = start is not None and (spec.layers, spec.output) == (start.layers, start.output)
    merges = sum(
        t in MERGES and len(layer.inputs) > 1 for t, layer in zip(types, spec.layers, strict=True)
    )
    return {
        "layers": tuple(dict(layer.params) for layer in spec.layers),
        "layer_types": types,
        "hidden_layers": len(hidden),
        "neurons": neurons,
        "params": report.total_params,
        "epochs": project.history.epochs_done,
        "steps": project.history.last_step,
        "settings": project.config.to_dict(),
        "same_as_start": same,
        "skips": merges + sum(t in SKIP_CARDS for t in types),
        "trained_with": project.history.trained_with,
        "record_trusted": project.sealed,
    }


def measure(project: Project, data: Dataset) -> dict[str, float]:
    """Loss and score (accuracy, or a regression's R² and mean absolute error) of the
    project's weights on data's validation and training splits, computed here;
    PlaygroundError if the weights do not fit the network."""
    from playground.core.training.evaluate import evaluate_model
    from playground.core.training.task import Regression, task_for

    task = task_for(data.preprocessing, project.config.loss)
    model = project.build_trained_model()
    val_loss, val_score, answers = evaluate_model(model, data.x_val, data.y_val, task=task)
    train_loss, train_score, _ = evaluate_model(model, data.x_train, data.y_train, task=task)
    if isinstance(task, Regression):
        mae = task.error(answers, data.y_val)
        scores = {"val_r2": val_score, "val_mae": mae, "train_r2": train_score}
    else:
        scores = {"val_accuracy": val_score, "train_accuracy": train_score}
    return scores | {"val_loss": val_loss, "train_loss": train_loss}
