"""Training hyper-parameters as a plain, checked value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from playground.core.data.augmentation import Augmentation, AugmentationError
from playground.core.errors import PlaygroundError
from playground.core.limits import MAX_SEED, LimitError, brief, finite_number

OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
REGULARIZATIONS = ("none", "l1", "l2")
REGRESSION_LOSSES = ("mse", "mae", "huber")  # what a regression minimises


@dataclass(frozen=True)
class TrainConfig:
    optimizer: str = "adam"
    lr: float = 1e-3
    batch_size: int = 64
    epochs: int = 10
    weight_decay: float = 0.0
    momentum: float = 0.9  # SGD and RMSprop
    seed: int = 0
    device: str = "auto"
    patience: int = 0  # epochs without a better validation loss before stopping; 0: never
    # a penalty added to the loss: rate · Σ|w| (L1) or rate · Σw² (L2) over the weights
    regularization: str = "none"
    reg_rate: float = 0.0
    augment: str = ""  # random changes to each training batch, as Augmentation.parse reads
    loss: str = "mse"  # a regression's: mean squared or absolute error, or Huber's mix of both

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise PlaygroundError(
                f"unknown optimizer '{self.optimizer}' (use {', '.join(OPTIMIZERS)})"
            )
        numbers = {
            "lr": ("learning rate", 0, 10, False),
            "batch_size": ("batch size", 1, 65536, True),
            "epochs": ("epochs", 1, 100_000, True),
            "weight_decay": ("weight decay", 0, 1, False),
            "momentum": ("momentum", 0, 0.999, False),
            "seed": ("seed", 0, MAX_SEED, True),
            "patience": ("patience", 0, 100_000, True),
            "reg_rate": ("regularisation rate", 0, 10, False),
        }
        for name, (label, low, high, whole) in numbers.items():
            # frozen: the checked value (an int for 64.0) replaces what was given
            object.__setattr__(
                self, name, finite_number(getattr(self, name), label, low, high, whole)
            )
        if self.lr == 0:
            raise PlaygroundError("learning rate must be above 0 and at most 10, not 0")
        if self.regularization not in REGULARIZATIONS:
            raise PlaygroundError(
                f"unknown regularization '{self.regularization}' (use {', '.join(REGULARIZATIONS)})"
            )
        # the canonical text: two spellings of the same settings compare and save the same
        object.__setattr__(self, "augment", str(Augmentation.parse(self.augment)))
        if self.loss not in REGRESSION_LOSSES:
            raise PlaygroundError(
                f"unknown loss '{brief(self.loss)}' (use {', '.join(REGRESSION_LOSSES)})"
            )
        if self.device not in DEVICE_CHOICES:
            raise PlaygroundError(
                f"unknown device '{self.device}' (use {', '.join(DEVICE_CHOICES)})"
            )

    @property
    def augmentation(self) -> Augmentation:
        return Augmentation.parse(self.augment)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Settings as saved in a project; PlaygroundError naming the field that is wrong."""
        if not isinstance(d, dict):
            raise PlaygroundError("the training settings must be a JSON object")
        names = {f.name: f.type for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in names}
        for k, v in values.items():
            if names[k] == "str" and not isinstance(v, str):
                raise PlaygroundError(f"training setting {k} must be text, not {brief(v)}")
        try:
            return cls(**values)
        except (LimitError, AugmentationError) as e:
            raise PlaygroundError(f"bad training settings: {e}") from None
