"""What a sweep varies: training settings and the cards' numeric parameters, each a range
(`lr=1e-4..1e-1:log`) or a list of values (`optimizer=adam,sgd`), and how a trial's values
become a network and its settings."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from playground.core.errors import PlaygroundError, SpecError
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig

# the training settings a sweep may vary (the rest stay as the base settings have them)
SETTINGS = (
    "lr",
    "batch_size",
    "epochs",
    "optimizer",
    "weight_decay",
    "momentum",
    "regularization",
    "reg_rate",
    "patience",
)
MAX_PARAMS = 20

Value = int | float | str


@dataclass(frozen=True)
class Param:
    """One thing a sweep varies: a range [low, high] (whole numbers when both ends are) or a
    list of choices."""

    name: str  # a TrainConfig field, or layers.INDEX.PARAM for a card's parameter
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    whole: bool = False
    choices: tuple[Value, ...] = ()

    @property
    def label(self) -> str:
        if self.choices:
            return f"{self.name}={','.join(str(c) for c in self.choices)}"
        ends = f"{_number(self.low)}..{_number(self.high)}"
        return f"{self.name}={ends}{':log' if self.log else ''}"

    def grid(self) -> list[Value]:
        """The values the grid sampler tries: a range's ends and middle (geometric if log)."""
        if self.choices:
            return list(self.choices)
        middle = math.sqrt(self.low * self.high) if self.log else (self.low + self.high) / 2
        points = [self.low, middle, self.high]
        return sorted({round(p) if self.whole else p for p in points})


# what a sweep of each setting tries unless told otherwise
SETTING_RANGES = {
    "lr": "1e-4..1e-1:log",
    "batch_size": "16..256:log",
    "epochs": "1..10",
    "optimizer": "adam,adamw,sgd,rmsprop",
    "weight_decay": "1e-6..1e-2:log",
    "momentum": "0.5..0.99",
}


def candidates(spec: NetworkSpec) -> list[tuple[str, str]]:
    """(name, values to try) of the settings and of every card's numeric parameters but the
    last card's (its width is the number of classes)."""
    cards = []
    for i, layer in enumerate(spec.layers[:-1]):
        for name, value in layer.params.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value == 0:
                continue  # a switch, text, or a zero (padding) with no range around it
            if isinstance(value, int):
                span = f"{max(1, value // 2)}..{max(2, value * 2)}"
            else:
                span = (
                    f"0..{max(0.5, value * 2):g}" if value < 1 else f"{value / 2:g}..{value * 2:g}"
                )
            cards.append((f"layers.{i}.{name}", span))
    return [*SETTING_RANGES.items(), *cards]


def parse_param(text: str) -> Param:
    """`NAME=LOW..HIGH[:log]` or `NAME=A,B,C`; PlaygroundError saying what is wrong."""
    name, sep, values = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name or not values:
        raise PlaygroundError(f"--param {text!r}: write NAME=LOW..HIGH[:log] or NAME=A,B,C")
    if ".." not in values:
        choices = tuple(_value(v.strip()) for v in values.split(",") if v.strip())
        if not choices:
            raise PlaygroundError(f"--param {text!r}: no values")
        return Param(name, choices=choices)
    span, _, option = values.partition(":")
    if option not in ("", "log"):
        raise PlaygroundError(f"--param {text!r}: after the range only :log may follow")
    low_text, _, high_text = span.partition("..")
    low, high = _value(low_text.strip()), _value(high_text.strip())
    if isinstance(low, str) or isinstance(high, str):
        raise PlaygroundError(f"--param {text!r}: a range's ends must be numbers")
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise PlaygroundError(
            f"--param {text!r}: the range must go from a lower to a higher number"
        )
    if option and low <= 0:
        raise PlaygroundError(f"--param {text!r}: a :log range must stay above 0")
    whole = isinstance(low, int) and isinstance(high, int)
    return Param(name, float(low), float(high), bool(option), whole)


def check_params(params: list[Param], spec: NetworkSpec) -> None:
    """PlaygroundError naming a parameter that no setting or card has, or a repeated one."""
    if not params:
        raise PlaygroundError("give at least one --param to vary")
    if len(params) > MAX_PARAMS:
        raise PlaygroundError(f"a sweep varies at most {MAX_PARAMS} parameters")
    names = [p.name for p in params]
    if len(set(names)) < len(names):
        raise PlaygroundError("each --param may be given once")
    for p in params:
        if p.name.startswith("layers."):
            _card(p.name, spec)
        elif p.name not in SETTINGS:
            raise PlaygroundError(
                f"cannot vary {p.name!r}: use a training setting ({', '.join(SETTINGS)}) or a "
                "card's parameter as layers.INDEX.NAME (e.g. layers.1.out_features)"
            )


def apply_values(
    values: dict[str, Any], spec: NetworkSpec, config: TrainConfig
) -> tuple[NetworkSpec, TrainConfig]:
    """The network and settings with a trial's values; PlaygroundError if they do not make a
    valid network or valid settings (that trial fails, the sweep goes on)."""
    layers = list(spec.layers)
    settings = {}
    for name, value in values.items():
        if name.startswith("layers."):
            index, param = _card(name, spec)
            try:
                layers[index] = layers[index].with_param(param, value)
            except SpecError as e:
                raise PlaygroundError(f"{name}={value}: {e}") from None
        else:
            settings[name] = value
    network = spec.with_layers(layers)
    report = infer_shapes(network)
    if not report.ok:
        raise PlaygroundError(f"these values make no valid network: {report.error}")
    return network, replace(config, **settings)


def _card(name: str, spec: NetworkSpec) -> tuple[int, str]:
    """(layer index, parameter) of layers.INDEX.PARAM; PlaygroundError if spec has none."""
    parts = name.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        raise PlaygroundError(f"write a card's parameter as layers.INDEX.NAME, not {name!r}")
    index, param = int(parts[1]), parts[2]
    if index >= len(spec.layers):
        raise PlaygroundError(f"{name}: the network has layers 0 to {len(spec.layers) - 1}")
    layer = spec.layers[index]
    if param not in layer.params:
        known = ", ".join(layer.params) or "none"
        raise PlaygroundError(f"{name}: {layer.type} has no {param!r} (its parameters: {known})")
    return index, param


def _value(text: str) -> Value:
    """An int, a float or, failing both, the text itself."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _number(v: float) -> str:
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else f"{v:g}"
