"""Grading: a challenge's checks run on a project, measured here. The same functions make the
project a challenge starts from and its solution, for the panel, the command line and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.core.data.ref import PHOTOS, DatasetRef, bundled_shape
from playground.core.data.toy import REGRESSION_TOYS, TOY_NAMES
from playground.core.data.toy_features import parse_features
from playground.core.errors import PlaygroundError
from playground.core.io.project import Project
from playground.core.model.efficientnet import INPUT_SHAPE
from playground.core.model.presets import preset
from playground.core.model.spec import NetworkSpec
from playground.core.practice.challenge import OWN_PHOTOS, Challenge, Setup
from playground.core.practice.checks import Check, Verdict, judge
from playground.core.practice.facts import MEASURED, Facts, measure, structure_facts

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset

PHOTO_CLASSES = 2  # a start on the learner's own photos, until they are chosen
NEEDS_DATA = ("metric", "behaviour")


@dataclass(frozen=True)
class Report:
    challenge: str
    verdicts: tuple[Verdict, ...]
    measured: dict[str, float] = field(default_factory=dict)
    matches_solution: bool = False  # the network is exactly the challenge's solution

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "challenge": self.challenge,
            "passed": self.passed,
            "checks": [v.to_dict() for v in self.verdicts],
            "measured": dict(self.measured),
            "matches_solution": self.matches_solution,
        }


def setup_project(setup: Setup, classes: list[str] | None = None) -> Project:
    """The project a setup describes: its data set, network and settings, no weights."""
    shape, names = _data_shape(setup.dataset)
    names = classes or names
    if setup.preset:
        spec = preset(setup.preset, shape, len(names))
    else:
        spec = NetworkSpec.from_dict(setup.network(shape))
    ref = setup.dataset or DatasetRef(OWN_PHOTOS, {PHOTOS: 1})
    return Project(spec, ref, setup.training, list(names))


def start_project(challenge: Challenge) -> Project:
    return setup_project(challenge.start)


def solution_project(challenge: Challenge) -> Project:
    return setup_project(challenge.solution)


def _data_shape(ref: DatasetRef | None) -> tuple[tuple[int, ...], list[str]]:
    if ref is None:
        return INPUT_SHAPE, [f"class {i + 1}" for i in range(PHOTO_CLASSES)]
    shape, names = bundled_shape(ref.source)
    if "features" in ref.options:
        shape = (len(parse_features(str(ref.options["features"]))),)
    return shape, names


def data_problem(challenge: Challenge, ref: DatasetRef) -> str:
    """Why the project's data set is not the challenge's ("" when it is): a check measured
    on other data (or on a split that mixes the challenge's validation data into training)
    would say nothing."""
    want = challenge.start.dataset
    if want is None:
        if ref.options.get(PHOTOS) == 1 and Path(ref.source).expanduser().is_dir():
            return ""
        return (
            "this challenge is on a folder of your own photos; choose one (Data set ▸ "
            "Classes of your photos)"
        )
    if ref.source != want.source:
        used = Path(ref.source).name
        return f"this challenge is on the {want.source} data set; your project uses {used}"
    if _options(ref) != _options(want):
        return (
            f"this challenge is on {want.source} with {_describe(_options(want))}; your "
            f"project's has {_describe(_options(ref))}"
        )
    return ""


def _options(ref: DatasetRef) -> dict[str, Any]:
    """The options that make the points and their split (input features do not)."""
    from playground.core.data.registry import TOY_OPTIONS

    if ref.source in TOY_NAMES or ref.source in REGRESSION_TOYS:
        return {k: ref.options.get(k, default) for k, (default, *_) in TOY_OPTIONS.items()}
    return dict(ref.options)


def _describe(options: dict[str, Any]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in options.items()) or "no options"


def grade(challenge: Challenge, project: Project, data: Dataset | None = None) -> Report:
    """Every check of challenge on project; metrics measured on the validation split of the
    project's data set (data, when the caller has it loaded, else loaded here)."""
    start = start_project(challenge).spec
    facts = structure_facts(project, start)
    problem = data_problem(challenge, project.dataset)
    measured: dict[str, float] = {}
    unmeasured = problem and "not measured: the data set is not this challenge's"
    if not unmeasured and any(c.kind in NEEDS_DATA for c in challenge.checks):
        measured, unmeasured = _measure(project, data)
    full = Facts(
        **facts,
        unmeasured=unmeasured,
        **{k: v for k, v in measured.items() if k in MEASURED},
    )
    source = challenge.start.dataset.source if challenge.start.dataset else "your photos"
    data_check = Verdict(
        Check("data", "dataset", value=source),
        not problem,
        problem or f"your project trains on {source}",
    )
    verdicts = (data_check, *(judge(c, full) for c in challenge.checks))
    solution = solution_project(challenge).spec.layers
    return Report(challenge.name, verdicts, measured, project.spec.layers == solution)


def _measure(project: Project, data: Dataset | None) -> tuple[dict[str, float], str]:
    """(the metrics, "") or ({}, why they could not be measured)."""
    if project.weights is None:
        return {}, (
            "your network has no trained weights (none yet, or it changed since it was "
            "trained): train it, then check"
        )
    try:
        if data is None or data.ref != project.dataset:
            from playground.core.data.registry import load_dataset

            data = load_dataset(project.dataset)
        return measure(project, data), ""
    except PlaygroundError as e:
        return {}, f"could not measure your network: {e}"
