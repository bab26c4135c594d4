"""A challenge as read from its JSON file: every field checked against limits on load."""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from playground.core.data.ref import DatasetRef
from playground.core.data.toy import REGRESSION_TOYS
from playground.core.errors import PlaygroundError
from playground.core.limits import LimitError, brief, finite_number, mib, parse_json
from playground.core.model.presets import PRESETS
from playground.core.model.spec import NetworkSpec
from playground.core.practice.checks import REGRESSION_METRICS, Check, parse_check
from playground.core.training.config import TrainConfig

FORMAT = "playground.challenge"
VERSION = 1
MAX_CHALLENGE_BYTES = 64 * 1024
MAX_TEXT = 1200  # characters of a goal, hint or explanation
MAX_CHECKS = 12
MAX_HINTS = 8
MAX_CHOICES = 6
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
OWN_PHOTOS = "photos"  # a start's data set: a folder of the learner's own photos
# the ideas in the order a learner meets them: (key, title)
IDEAS = (
    ("neuron", "Neuron"),
    ("weights", "Weights and biases"),
    ("activation", "Activation"),
    ("cost", "Cost"),
    ("descent", "Gradient descent and the learning rate"),
    ("backprop", "Backpropagation"),
    ("overfitting", "Overfitting and regularisation"),
    ("convolution", "Convolution"),
    ("pooling", "Pooling"),
    ("depth", "Depth and vanishing gradients"),
    ("skip", "Skip connections"),
    ("probability", "The probability vector"),
    ("regression", "Regression"),
    ("transfer", "Transfer learning"),
)
IDEA_TITLES = dict(IDEAS)


class ChallengeError(PlaygroundError):
    """A challenge file that cannot be read, or a challenge that does not exist."""


@dataclass(frozen=True)
class Setup:
    """A state to load: the data set, the network (a preset, layers stacked, or a graph's
    nodes and output) and the settings."""

    dataset: DatasetRef | None  # None: the learner's own photos (OWN_PHOTOS)
    preset: str = ""
    layers: tuple[dict[str, Any], ...] = ()  # a stack's layers, or a graph's nodes
    training: TrainConfig = field(default_factory=TrainConfig)
    output: str = ""  # a graph's output node; "" for a stack

    def network(self, input_shape: tuple[int, ...]) -> dict[str, Any]:
        """The network as a spec's JSON value, on inputs of input_shape."""
        head = {"format": "playground.network", "input_shape": list(input_shape)}
        if self.output:
            return head | {"version": 2, "nodes": list(self.layers), "output": self.output}
        return head | {"version": 1, "layers": list(self.layers)}


@dataclass(frozen=True)
class Prediction:
    """'Predict, then run': a question answered before the network runs."""

    question: str
    choices: tuple[str, ...]
    answer: int  # index into choices
    explanation: str


@dataclass(frozen=True)
class Challenge:
    name: str
    title: str
    idea: str  # a key of IDEAS
    goal: str  # one sentence
    start: Setup
    checks: tuple[Check, ...]
    hints: tuple[str, ...]
    solution: Setup
    predict: Prediction | None = None
    text: str = ""  # what to notice, a few sentences

    @property
    def idea_title(self) -> str:
        return IDEA_TITLES[self.idea]


def parse_challenge(data: Any, where: str = "the challenge") -> Challenge:
    """A challenge from its JSON value; ChallengeError naming the field that is wrong."""
    try:
        return _challenge(data)
    except (PlaygroundError, LimitError) as e:
        raise ChallengeError(f"{where}: {e}") from None


def _challenge(d: Any) -> Challenge:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ChallengeError(f'not a challenge (it needs "format": "{FORMAT}")')
    if d.get("version") != VERSION:
        raise ChallengeError(f"version must be {VERSION}, not {brief(d.get('version'))}")
    name = d.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ChallengeError(f"name must be lower-case letters, digits and '-', not {brief(name)}")
    idea = d.get("idea")
    if not isinstance(idea, str) or idea not in IDEA_TITLES:
        raise ChallengeError(f"idea must be one of {', '.join(IDEA_TITLES)}, not {brief(idea)}")
    checks = _list(d.get("checks"), "checks", MAX_CHECKS)
    if not checks:
        raise ChallengeError("a challenge needs at least one check")
    start = _setup(d.get("start"), "start")
    solution = _setup(d.get("solution"), "solution", start)
    parsed = tuple(parse_check(c, i + 1) for i, c in enumerate(checks))
    _metrics_fit_task(parsed, start.dataset)
    return Challenge(
        name,
        _text(d.get("title"), "title", 80),
        idea,
        _text(d.get("goal"), "goal"),
        start,
        parsed,
        tuple(_text(h, "a hint") for h in _list(d.get("hints"), "hints", MAX_HINTS)),
        solution,
        _prediction(d["predict"]) if d.get("predict") is not None else None,
        _text(d.get("text", ""), "text", empty=True),
    )


def _setup(d: Any, what: str, base: Setup | None = None) -> Setup:
    """A start, or a solution: what it gives replaces its start's parts."""
    if not isinstance(d, dict):
        raise ChallengeError(f"{what} must be an object")
    dataset = base.dataset if base else None
    if "dataset" in d or base is None:
        dataset = _dataset(d.get("dataset"), what)
    preset, layers, output = (base.preset, base.layers, base.output) if base else ("", (), "")
    if "preset" in d or "layers" in d or "nodes" in d:
        preset, output = d.get("preset", ""), d.get("output", "") if "nodes" in d else ""
        if not isinstance(preset, str) or (preset and preset not in PRESETS):
            raise ChallengeError(f"{what}: unknown preset {brief(preset)}")
        if sum(bool(d.get(k)) for k in ("preset", "layers", "nodes")) != 1:
            raise ChallengeError(f"{what} needs a preset, layers or nodes, one of them")
        if "nodes" in d and not (isinstance(output, str) and output):
            raise ChallengeError(f"{what}: a graph's nodes need the output node's id")
        layers = tuple(_list(d.get("nodes", d.get("layers")), f"{what} layers", 64))
        # the network is checked as a spec is (input shape aside): NetworkSpec parses it
        NetworkSpec.from_dict(Setup(None, "", layers, output=output).network((1,)))
    settings = dict(base.training.to_dict()) if base else {}
    training = d.get("training", {})
    if not isinstance(training, dict):
        raise ChallengeError(f"{what} training must be an object")
    for key, value in training.items():  # a setting's message quotes its value in full
        if isinstance(value, str) and len(value) > 200:
            raise ChallengeError(f"{what} training {brief(key)} is longer than 200 characters")
    return Setup(dataset, preset, layers, TrainConfig.from_dict({**settings, **training}), output)


def _metrics_fit_task(checks: tuple[Check, ...], ref: DatasetRef | None) -> None:
    """A regression is scored by R² and its error, classes by accuracy: never the other's
    (a challenge's data set is a bundled one, or photos)."""
    regression = ref is not None and ref.source in REGRESSION_TOYS
    wrong = ("val_accuracy",) if regression else REGRESSION_METRICS
    for n, check in enumerate(checks, 1):
        if check.kind == "metric" and check.what in wrong:
            task = "a regression" if regression else "classes"
            raise ChallengeError(f"check {n}: {check.what} does not score {task}")


def _dataset(d: Any, what: str) -> DatasetRef | None:
    if d == OWN_PHOTOS:
        return None
    if isinstance(d, str):
        d = {"source": d}
    if not isinstance(d, dict):
        raise ChallengeError(f"{what} needs a data set: a bundled name or {OWN_PHOTOS!r}")
    return DatasetRef.from_dict(d)


def _prediction(d: Any) -> Prediction:
    if not isinstance(d, dict):
        raise ChallengeError("predict must be an object")
    choices = tuple(_text(c, "a choice", 200) for c in _list(d.get("choices"), "choices", 6))
    if len(choices) < 2:
        raise ChallengeError("predict needs at least 2 choices")
    answer = finite_number(d.get("answer"), "predict answer", 0, len(choices) - 1, True)
    return Prediction(
        _text(d.get("question"), "question"),
        choices,
        answer,
        _text(d.get("explanation"), "explanation"),
    )


def _list(value: Any, what: str, most: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > most:
        raise ChallengeError(f"{what} must be a list of at most {most}")
    return value


def _text(value: Any, what: str, most: int = MAX_TEXT, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value.strip() and not empty) or len(value) > most:
        raise ChallengeError(f"{what} must be text of 1 to {most} characters, not {brief(value)}")
    return value


def read_challenge(path: Path) -> Challenge:
    raw = path.read_bytes()
    if len(raw) > MAX_CHALLENGE_BYTES:
        raise ChallengeError(f"{path.name} is larger than {mib(MAX_CHALLENGE_BYTES)}")
    return parse_challenge(parse_json(raw, path.name, ChallengeError), path.name)


def _folder() -> Path:
    return Path(str(importlib.resources.files("playground.core.practice") / "challenges"))


@cache
def all_challenges() -> tuple[Challenge, ...]:
    """Every challenge shipped, along the path of the ideas (by idea, then by file name)."""
    found = [read_challenge(p) for p in sorted(_folder().glob("*.json"))]
    names = [c.name for c in found]
    if len(set(names)) != len(names):
        raise ChallengeError("two challenge files have the same name")
    order = {key: i for i, (key, _) in enumerate(IDEAS)}
    return tuple(sorted(found, key=lambda c: order[c.idea]))


def find_challenge(name: str) -> Challenge:
    """The challenge called name; ChallengeError listing the known ones if there is none."""
    for c in all_challenges():
        if c.name == name:
            return c
    known = ", ".join(c.name for c in all_challenges())
    raise ChallengeError(f"no challenge called {brief(name)} (known: {known})")
