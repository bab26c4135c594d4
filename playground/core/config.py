"""Training hyper-parameters as a plain, checked value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from playground.core.errors import PlaygroundError

OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


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

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise PlaygroundError(
                f"unknown optimizer '{self.optimizer}' (use {', '.join(OPTIMIZERS)})"
            )
        if not 0 < self.lr <= 10:
            raise PlaygroundError(f"learning rate must be above 0 and at most 10, not {self.lr}")
        if not 1 <= self.batch_size <= 65536:
            raise PlaygroundError(f"batch size must be 1 to 65536, not {self.batch_size}")
        if not 1 <= self.epochs <= 100_000:
            raise PlaygroundError(f"epochs must be 1 to 100000, not {self.epochs}")
        if self.weight_decay < 0 or not 0 <= self.momentum < 1:
            raise PlaygroundError("weight decay must be ≥ 0 and momentum from 0 to below 1")
        if self.device not in DEVICE_CHOICES:
            raise PlaygroundError(
                f"unknown device '{self.device}' (use {', '.join(DEVICE_CHOICES)})"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        names = {f.name: f.type for f in fields(cls)}
        kinds = {"str": str, "float": float, "int": int}
        try:
            return cls(**{k: kinds[names[k]](v) for k, v in d.items() if k in names})
        except (TypeError, ValueError) as e:
            raise PlaygroundError(f"bad training settings: {e}") from None
