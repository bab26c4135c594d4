"""What the trainer reports: plain values, safe to hand to another thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

BOUNDARY_EXTENT = 6.0  # a Probe's boundary covers [-6, 6]²: the toy sets' [-5, 5]² and a margin
BOUNDARY_RESOLUTION = 80
NEURON_RESOLUTION = 32  # a neuron tile over the plane: small tiles, many neurons


@dataclass(frozen=True)
class StepMetrics:
    """Averages over the steps since the previous report."""

    step: int
    epoch: int  # 1-based, the epoch in progress
    progress: float  # 0..1 of the whole run
    loss: float
    accuracy: float
    samples_per_s: float
    elapsed_s: float
    eta_s: float  # -1 while not known yet (the first reports)
    end_step: int = 0  # the step and epoch this run will end at (0: not known)
    last_epoch: int = 0


@dataclass(frozen=True)
class EpochMetrics:
    epoch: int
    step: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float  # a regression's R²
    samples_per_s: float
    elapsed_s: float
    val_mae: float | None = None  # a regression's mean absolute error, in the target's units


@dataclass(frozen=True)
class Snapshot:
    """Copies of the learnable layers' weights and the mean |gradient| per layer."""

    step: int
    epoch: int
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    biases: dict[str, np.ndarray] = field(default_factory=dict)
    grad_magnitudes: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """The validation set's predictions after an epoch (for the confusion matrix)."""

    epoch: int
    predicted: np.ndarray  # (N,) class index, or a regression's predicted number
    probabilities: np.ndarray  # (N, classes); a regression's numbers again, (N, 1)

    @classmethod
    def of(cls, epoch: int, answers: np.ndarray) -> Evaluation:
        """From a task's answers: probabilities (N, classes), or predicted numbers (N,)."""
        if answers.ndim == 1:
            return cls(epoch, answers, answers[:, None])
        return cls(epoch, answers.argmax(1), answers)

    def confusion(self, truth: np.ndarray, classes: int) -> np.ndarray:
        """counts[true, predicted] of these predictions against the true classes."""
        return np.bincount(truth * classes + self.predicted, minlength=classes**2).reshape(
            classes, classes
        )


@dataclass(frozen=True, eq=False)  # eq: the sample is an array; compare key()s
class ProbeRequest:
    """What the visible views want computed at each snapshot, beyond the weights."""

    sample: np.ndarray | None = None  # C×H×W, normalised: its feature maps
    boundary: bool = False  # the decision boundary (2-D data)
    neurons: bool = False  # each dense neuron's output (NeuronLayer)
    activations: bool = False  # the inputs each activation layer receives (InputRange)
    # a table of more inputs: the two the boundary's plane spans, the others at their mean
    plane: tuple[int, int] | None = None

    @property
    def any(self) -> bool:
        return self.sample is not None or self.boundary or self.neurons or self.activations

    def key(self) -> tuple:
        """Equal for requests that ask for the same (the same sample array)."""
        return (id(self.sample), self.boundary, self.neurons, self.activations, self.plane)


@dataclass(frozen=True)
class NeuronLayer:
    """One dense layer's neurons: what each outputs (after its activation, if one follows)."""

    name: str  # the Linear layer, named like its card: '2 Linear'
    activation: str  # the activation layer after it ('ReLU'), or '' for none
    mean_output: np.ndarray  # (neurons,) mean output over the probe batch
    planes: np.ndarray | None = None  # (neurons, R, R) output over the plane (2-D data only)
    shape: tuple[int, ...] = ()  # one sample's input to this layer, before it was flattened


@dataclass(frozen=True)
class InputRange:
    """The values an activation layer received on a batch: their spread and a histogram."""

    low: float  # 1st percentile
    high: float  # 99th percentile
    counts: np.ndarray  # histogram of the values over edges
    edges: np.ndarray


@dataclass(frozen=True)
class Probe:
    """Extras the visible views asked for: feature maps of a sample, the decision boundary,
    the dense neurons' outputs, the activation layers' inputs."""

    step: int
    feature_maps: list[tuple[str, np.ndarray]] | None = None
    boundary: np.ndarray | None = None  # (resolution, resolution, classes) probabilities
    neurons: list[NeuronLayer] | None = None  # the dense part, input side first
    activation_inputs: dict[str, InputRange] | None = None  # by layer name: '3 Sigmoid'


@dataclass(frozen=True)
class SettingsChanged:
    """Settings the person changed while training ran, applied from step + 1 on."""

    step: int
    changes: tuple[tuple[str, float, float], ...]  # (setting, old value, new value)

    @property
    def label(self) -> str:
        """'lr 0.1 → 0.01, momentum 0.9 → 0.5', as the curves mark it."""
        return ", ".join(f"{_SHORT.get(k, k)} {a:g} → {b:g}" for k, a, b in self.changes)


_SHORT = {"weight_decay": "weight decay", "reg_rate": "regularisation"}


@dataclass(frozen=True)
class StepResult:
    """One mini-batch run on its own (Step): its loss before and after the update, and how
    much each learnable layer's weights moved (after − before)."""

    step: int
    epoch: int
    batch_size: int
    loss_before: float
    loss_after: float
    weight_deltas: dict[str, np.ndarray] = field(default_factory=dict)


class RunStatus(StrEnum):
    """How a run ended (equal to its name as a string: projects store the string)."""

    COMPLETED = "completed"
    STOPPED = "stopped"
    DIVERGED = "diverged"
    ERROR = "error"
    INTERRUPTED = "interrupted"  # the command line's Ctrl-C


@dataclass(frozen=True)
class Finished:
    status: RunStatus  # completed, stopped, diverged or error
    message: str
    epochs_done: int
    step: int


Event = (
    StepMetrics
    | EpochMetrics
    | Snapshot
    | Evaluation
    | Probe
    | SettingsChanged
    | StepResult
    | Finished
)

Sink = Callable[[Event], None]


def fan_out(*sinks: Sink) -> Sink:
    """One sink that hands every event to each of sinks, in order."""

    def sink(event: Event) -> None:
        for each in sinks:
            each(event)

    return sink
