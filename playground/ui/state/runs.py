"""The runs of the work: every press of Train is recorded as a Run when it ends, kept in the
project, and may be renamed, deleted or made current again."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from playground.core.limits import MAX_RUNS
from playground.core.training.events import Finished, RunStatus
from playground.core.training.runs import MAX_RUN_NAME, Run, new_run
from playground.ui.state.guard import WEIGHTS
from playground.ui.state.session import SessionState

if TYPE_CHECKING:
    from playground.ui.state.workspace import Workspace


def run_label(runs: list[Run], run: Run) -> str:
    """The run's name, or "Run N" by its place for runs recorded without one."""
    return run.name or f"Run {index_of(runs, run) + 1}"


def index_of(runs: list[Run], run: Run) -> int:
    """run's place in runs, by identity (runs compare their tensors otherwise), or -1."""
    return next((i for i, r in enumerate(runs) if r is run), -1)


class RunList(QObject):
    """The one owner of the runs (oldest first, at most MAX_RUNS)."""

    changed = Signal()

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.ws = workspace
        self.runs: list[Run] = []
        self.keep_weights = True  # new runs keep their final weights (to make them current)
        self._start: tuple | None = None  # what a run under way began with
        workspace.session.stateChanged.connect(self._state_changed)
        workspace.session.finished.connect(self._record)

    def replace(self, runs: list[Run]) -> None:
        """Another project's runs (or none)."""
        self.runs = list(runs)
        self.changed.emit()

    def _state_changed(self, state: str) -> None:
        s, d = self.ws.session, self.ws.dataset
        if state == SessionState.RUNNING and self._start is None and d is not None:
            first_step = s.history.last_step
            self._start = (self.ws.config, d.ref, s.spec, first_step, time.time(), time.monotonic())

    def _record(self, finished: Finished) -> None:
        if self._start is None:
            return
        config, ref, spec, first_step, started, began = self._start
        self._start = None
        s = self.ws.session
        weights = s.weights if self.keep_weights and finished.status != RunStatus.ERROR else None
        run = new_run(
            config,
            ref,
            s.history,
            first_step,
            finished,
            self.ws.device_text,
            started,
            time.monotonic() - began,
            weights,
            spec,
        )
        self.runs = [*self.runs, replace(run, name=self._new_name())][-MAX_RUNS:]
        self.ws.files.mark_dirty()
        self.changed.emit()

    def add(self, run: Run) -> None:
        """A run made elsewhere (a sweep's trial)."""
        self.runs = [*self.runs, run][-MAX_RUNS:]
        self.ws.files.mark_dirty()
        self.changed.emit()

    def _new_name(self) -> str:
        numbers = [int(m[1]) for r in self.runs if (m := re.fullmatch(r"Run (\d+)", r.name))]
        return f"Run {max(numbers, default=len(self.runs)) + 1}"

    def rename(self, run: Run, name: str) -> None:
        name = name.strip()[:MAX_RUN_NAME]
        if name and index_of(self.runs, run) >= 0 and name != run.name:
            self._swap(run, replace(run, name=name))

    def delete(self, runs: list[Run]) -> None:
        self.runs = [r for r in self.runs if all(r is not x for x in runs)]
        self.ws.files.mark_dirty()
        self.changed.emit()

    def _swap(self, old: Run, new: Run) -> None:
        self.runs = [new if r is old else r for r in self.runs]
        self.ws.files.mark_dirty()
        self.changed.emit()

    def make_current(self, run: Run) -> None:
        """The run's settings back in the training panel and, when they were kept, its
        network and weights in place of the current ones."""
        ws, label = self.ws, run_label(self.runs, run)
        if ws.session.busy:
            ws.error.emit(f"Stop training before making {label} current.")
            return
        if run.weights is not None and ws.dataset is not None and ws.dataset.ref != run.dataset:
            ws.error.emit(
                f"{label} was trained on {run.dataset.source}: choose that data set first."
            )
            return
        if run.weights is None or run.spec is None:
            ws.set_config(run.config)
            ws.info.emit(
                f"{label}'s settings are back in the training panel; its weights were not "
                "kept, so Train trains it again."
            )
            return
        ws.guard.confirm(f"Making {label} current", lambda: self._bring_back(run, label), WEIGHTS)

    def _bring_back(self, run: Run, label: str) -> None:
        """run's settings, network (an undoable edit) and weights in place of the current."""
        ws = self.ws
        ws.set_config(run.config)
        if run.spec != ws.document.spec:
            ws.document.replace_layers(run.spec, f"Network of {label}")
        ws.session.load(run.spec, run.weights, run.history.copy(), trusted=run.trusted)
        ws.files.mark_dirty()
        ws.status.emit(f"{label} is current: its network, settings and weights are back")
