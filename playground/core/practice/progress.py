"""A learner's progress: per challenge the attempts, whether and how it was passed, the best
results, hints seen, the solution shown, the prediction made. One small JSON file, whose path
the caller gives (the app keeps it in its data folder)."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.core.errors import PlaygroundError
from playground.core.limits import MAX_SEED, parse_json, read_limited
from playground.core.practice.challenge import IDEAS, Challenge

if TYPE_CHECKING:
    from playground.core.practice.grade import Report

FORMAT = "playground.progress"
MAX_PROGRESS_BYTES = 1024 * 1024
MAX_RECORDS = 1000
NEW, TRIED, PASSED, WITH_SOLUTION = "new", "tried", "passed", "passed with solution"
# which result is the better one
BEST = {"val_accuracy": max, "val_r2": max, "val_mae": min, "val_loss": min}


@dataclass
class Record:
    attempts: int = 0
    passed: bool = False
    with_solution: bool = False  # first passed after its solution was shown
    revealed: bool = False  # its solution was shown
    hints: int = 0  # how many hints were shown
    predicted: int | None = None  # the choice locked in before the run
    best: dict[str, float] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.passed:
            return WITH_SOLUTION if self.with_solution else PASSED
        return TRIED if self.attempts else NEW


class Progress:
    """Progress kept in path; a damaged file is set aside as empty progress (problem says
    why), never an error that stops practice."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.problem = ""
        self.records: dict[str, Record] = {}
        try:
            self.records = _read(self.path)
        except PlaygroundError as e:
            self.problem = f"Your practice progress could not be read ({e}); it starts afresh."

    def get(self, name: str) -> Record:
        return self.records.get(name) or Record()

    def _edit(self, name: str) -> Record:
        return self.records.setdefault(name, Record())

    def attempted(self, name: str, report: Report) -> Record:
        """Count a Check; a pass after the solution was shown counts as passed with it."""
        r = self._edit(name)
        r.attempts += 1
        if report.passed and not r.passed:
            r.passed, r.with_solution = True, r.revealed
        for key, better in BEST.items():
            x = report.measured.get(key)
            if x is not None and math.isfinite(x):
                r.best[key] = better(x, r.best.get(key, x))
        self.save()
        return r

    def revealed(self, name: str) -> None:
        self._edit(name).revealed = True
        self.save()

    def hint_shown(self, name: str, count: int) -> None:
        r = self._edit(name)
        r.hints = max(r.hints, count)
        self.save()

    def predict(self, name: str, choice: int) -> int:
        """Lock in a prediction; the first one made stays. Returns the locked choice."""
        r = self._edit(name)
        if r.predicted is None:
            r.predicted = choice
            self.save()
        return r.predicted

    def save(self) -> None:
        """Write atomically: a crash mid-write leaves the old file."""
        data = {
            "format": FORMAT,
            "version": 1,
            "challenges": {k: asdict(v) for k, v in self.records.items()},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def ideas_path(
        self, challenges: tuple[Challenge, ...]
    ) -> list[tuple[str, list[tuple[Challenge, str]]]]:
        """The path through the ideas: each idea's title and its challenges with their status."""
        path = []
        for key, title in IDEAS:
            steps = [(c, self.get(c.name).status) for c in challenges if c.idea == key]
            if steps:
                path.append((title, steps))
        return path


def _read(path: Path) -> dict[str, Record]:
    if not path.exists():
        return {}
    try:
        with open(path, "rb") as f:
            raw = read_limited(f, MAX_PROGRESS_BYTES, path.name, PlaygroundError)
    except OSError as e:
        raise PlaygroundError(f"cannot read {path.name}: {e.strerror or e}") from None
    data = parse_json(raw, path.name, PlaygroundError)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlaygroundError(f"{path.name} is not a progress file")
    found = data.get("challenges")
    if not isinstance(found, dict) or len(found) > MAX_RECORDS:
        raise PlaygroundError(f"{path.name} must map at most {MAX_RECORDS} challenges")
    return {str(k)[:48]: _record(v) for k, v in found.items()}


def _record(d: Any) -> Record:
    if not isinstance(d, dict):
        raise PlaygroundError("a challenge's progress must be an object")
    count = lambda k: d.get(k) if _whole(d.get(k)) else 0  # noqa: E731
    predicted = d.get("predicted")
    best = d.get("best") if isinstance(d.get("best"), dict) else {}
    return Record(
        attempts=count("attempts"),
        passed=d.get("passed") is True,
        with_solution=d.get("with_solution") is True,
        revealed=d.get("revealed") is True,
        hints=count("hints"),
        predicted=predicted if _whole(predicted) else None,
        best={
            k: float(v)
            for k, v in best.items()
            if k in BEST and isinstance(v, int | float) and math.isfinite(v)
        },
    )


def _whole(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= MAX_SEED
