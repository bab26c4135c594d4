"""A study read back from its storage, by any process while trials are still being added: its
trials, the best one, the parameters' importances, and the trials as parallel coordinates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.core.data.ref import CLASSIFICATION
from playground.core.errors import PlaygroundError
from playground.core.training.sweep import TASK_ATTR, score_name, storage_of

MIN_FOR_IMPORTANCE = 3  # complete trials before Optuna's importances mean anything


@dataclass(frozen=True)
class TrialRow:
    number: int
    state: str  # running, complete, pruned, failed, waiting
    value: float | None  # the best epoch's validation score (accuracy, or R²)
    params: dict[str, Any]
    curve: dict[int, float]  # epoch → validation score, as reported to the pruner
    error: str = ""


@dataclass(frozen=True)
class StudyTable:
    study: str
    storage: str
    names: list[str]  # every parameter any trial has, in the order first seen
    rows: list[TrialRow]
    importances: dict[str, float] = field(default_factory=dict)  # name → share, summing to 1
    task: str = CLASSIFICATION  # what the trials learn: their value is its score

    @property
    def score(self) -> str:
        """What a trial's value is: 'accuracy' or 'R²'."""
        return score_name(self.task)

    @property
    def best(self) -> TrialRow | None:
        done = [r for r in self.rows if r.state == "complete" and r.value is not None]
        return max(done, key=lambda r: r.value) if done else None


def study_names(storage: str) -> list[str]:
    import optuna

    return optuna.get_all_study_names(storage_of(storage))


def read_study(storage: str, study: str, previous: StudyTable | None = None) -> StudyTable:
    """The study as it is now; PlaygroundError if the storage has no such study. The
    importances (a forest fitted to the trials: the slow part) are previous's while no trial
    has completed since it was read."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        loaded = optuna.load_study(study_name=study, storage=storage_of(storage))
    except KeyError:
        raise PlaygroundError(f"{storage} holds no study named {study!r}") from None
    rows, names = [], {}
    for t in loaded.get_trials(deepcopy=False):
        names.update(dict.fromkeys(t.params))
        state = {"fail": "failed"}.get(t.state.name.lower(), t.state.name.lower())
        rows.append(
            TrialRow(
                t.number,
                state,
                t.value,
                dict(t.params),
                dict(t.intermediate_values),
                t.user_attrs.get("error", ""),
            )
        )
    same = previous is not None and (previous.storage, previous.study) == (storage, study)
    if same and _completed(previous.rows) == _completed(rows):
        importances = previous.importances
    else:
        importances = _importances(loaded, rows)
    task = loaded.user_attrs.get(TASK_ATTR, CLASSIFICATION)
    return StudyTable(study, storage, list(names), rows, importances, task)


def _completed(rows: list[TrialRow]) -> int:
    return sum(r.state == "complete" for r in rows)


def _importances(study: Any, rows: list[TrialRow]) -> dict[str, float]:
    import optuna

    if _completed(rows) < MIN_FOR_IMPORTANCE:
        return {}
    try:
        return dict(optuna.importance.get_param_importances(study))
    except (RuntimeError, ValueError):  # one value for every trial: nothing to tell apart
        return {}


def parallel_coordinates(table: StudyTable) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(axis names: every parameter then the result, (trials × axes) positions in [0, 1],
    each trial's result) for the trials with a result. Numbers are placed on their range
    (log where all are positive and span over a factor of 20), choices by their order."""
    rows = [
        r for r in table.rows if r.value is not None and all(n in r.params for n in table.names)
    ]
    columns = [[r.params[n] for r in rows] for n in table.names]
    results = np.array([r.value for r in rows], dtype=float)
    axes = [_unit(c) for c in columns] + [_unit(list(results))]
    positions = np.column_stack(axes) if rows else np.zeros((0, len(table.names) + 1))
    return [*table.names, f"val {table.score}"], positions, results


def _unit(values: list[Any]) -> np.ndarray:
    """Values placed in [0, 1]."""
    if not values:
        return np.zeros(0)
    if any(isinstance(v, str) for v in values):
        order = sorted({str(v) for v in values})
        span = max(len(order) - 1, 1)
        return np.array([order.index(str(v)) / span for v in values])
    x = np.array(values, dtype=float)
    low, high = float(x.min()), float(x.max())
    if low > 0 and high / low > 20:
        x, low, high = np.log10(x), math.log10(low), math.log10(high)
    return (x - low) / (high - low) if high > low else np.full(len(x), 0.5)
