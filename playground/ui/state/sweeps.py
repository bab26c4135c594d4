"""The window's sweeps: one study run as a task (its trials in worker processes when asked),
each finished trial added to the runs, and a watched study read back from its storage every
few seconds, so a study that other processes or machines add to is seen growing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from playground.core.errors import PlaygroundError
from playground.ui.state.guard import WEIGHTS
from playground.ui.state.tasks import Task, TaskState

if TYPE_CHECKING:
    from playground.core.training.sweep import SweepPlan, TrialResult
    from playground.core.training.sweep_results import StudyTable, TrialRow
    from playground.ui.state.workspace import Workspace

WATCH_MS = 2000  # how often a watched study is read again


class Sweeps(QObject):
    """The one owner of the running sweep and of the watched study."""

    trialEnded = Signal(object)  # TrialResult; emitted from the sweep's thread, queued here
    studyReady = Signal(str, str)  # storage, study: made (or found), from the sweep's thread
    progressed = Signal(float, str)
    running = Signal(bool)
    read = Signal(object)  # StudyTable
    failed = Signal(str)  # one line

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.watched: tuple[str, str] | None = None  # (storage, study)
        self.table: StudyTable | None = None
        self.task: Task | None = None
        self._reading = workspace.tasks.slot()  # a newer read replaces one under way
        self._timer = QTimer(self)
        self._timer.setInterval(WATCH_MS)
        self._timer.timeout.connect(self._poll)
        self.trialEnded.connect(self._trial_ended)
        self.studyReady.connect(self.watch)

    def plan(
        self, params: list[str], storage: str, study: str, trials: int, sampler: str
    ) -> SweepPlan:
        """A sweep of the current network, data set and settings varying params (their
        `NAME=VALUES` texts); PlaygroundError saying what to fix."""
        from playground.core.training.sweep import SweepPlan
        from playground.core.training.sweep_space import check_params, parse_param

        ws = self.ws
        if ws.dataset is None:
            raise PlaygroundError("Load a data set first: the trials train on it.")
        if not ws.document.report.ok:
            raise PlaygroundError("Fix the network first (a card is red).")
        parsed = tuple(parse_param(text) for text in params)
        check_params(list(parsed), ws.document.spec)
        if not study or not storage:
            raise PlaygroundError("Name the study and its storage.")
        return SweepPlan(
            ws.document.spec, ws.dataset.ref, ws.config, parsed, storage, study, trials, sampler,
            ws.dataset.task,
        )  # fmt: skip

    def start(self, plan: SweepPlan, workers: int) -> Task | None:
        """Run plan as a task (none while another sweep runs) and watch its study."""
        if self.task is not None:
            self.failed.emit("A sweep is running: cancel it first.")
            return None
        task = self.task = self.ws.tasks.start(f"Sweep {plan.study}", self._sweep, plan, workers)
        task.progressed.connect(self.progressed)
        task.failed.connect(lambda e: self.failed.emit(str(e)))
        task.ended.connect(self._ended)
        self.running.emit(True)
        return task

    def _sweep(self, plan: SweepPlan, workers: int, state: TaskState) -> list[TrialResult]:
        from playground.core.training.sweep import open_study, run_sweep

        open_study(plan)  # its tables made before anyone reads them
        self.studyReady.emit(plan.storage, plan.study)
        done: list[TrialResult] = []

        def heard(result: TrialResult) -> None:
            done.append(result)
            self.trialEnded.emit(result)
            value = f"{result.value:.3f}" if result.value is not None else result.state
            state.set_progress(len(done) / plan.trials, f"trial {result.number}: {value}")

        state.set_progress(0.0, f"{plan.trials} trials, {workers} at a time")
        # trials in worker processes: training in the window's interpreter would hold its GIL
        return run_sweep(plan, workers, heard, lambda: state.cancelled, background=True)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _ended(self) -> None:
        self.task = None
        self.running.emit(False)
        self.refresh()

    def _trial_ended(self, result: TrialResult) -> None:
        if result.run is not None:
            self.ws.runs.add(result.run)
        self.refresh()

    def watch(self, storage: str, study: str) -> None:
        """Read this study now and every WATCH_MS from now on."""
        self.watched = (storage, study)
        self.refresh()
        self._timer.start()

    def stop_watching(self) -> None:
        self._timer.stop()
        self._reading.cancel()
        self.watched = None

    def refresh(self) -> None:
        """Read the watched study again: something changed (a trial ended, another study is
        watched), so this read replaces any under way."""
        if self.watched is None:
            return
        task = self._reading.start("Reading the study", _read, *self.watched, self.table)
        task.done.connect(self._read_done)
        task.failed.connect(self._read_failed)

    def _poll(self) -> None:
        """The timer's look for trials added elsewhere: a read under way will bring them."""
        if not self._reading.busy:
            self.refresh()

    def _read_done(self, table: StudyTable) -> None:
        self.table = table
        self.read.emit(table)

    def _read_failed(self, error: Exception) -> None:
        self.failed.emit(str(error))
        if self.task is None:  # nothing will fix it by itself: stop asking
            self._timer.stop()

    def make_current(self, row: TrialRow) -> None:
        """The trial's run made current when this window has it (its settings and network);
        otherwise its values applied to the current network and settings."""
        study = self.table.study if self.table else ""
        name = f"{study} trial {row.number}"
        run = next((r for r in reversed(self.ws.runs.runs) if r.name == name), None)
        if run is not None:
            self.ws.runs.make_current(run)
            return
        from playground.core.training.sweep_space import apply_values

        ws = self.ws
        try:
            spec, config = apply_values(row.params, ws.document.spec, ws.config)
        except PlaygroundError as e:
            ws.error.emit(f"Trial {row.number}'s values do not fit this network: {e}")
            return

        def apply() -> None:
            if spec != ws.document.spec:
                ws.document.replace_layers(spec, f"Network of trial {row.number}")
            ws.set_config(config)
            ws.info.emit(f"Trial {row.number}'s settings are current: Train trains with them.")

        if spec == ws.document.spec:
            apply()  # the trained weights still fit: nothing is lost
        else:
            ws.guard.confirm(f"Making trial {row.number} current", apply, WEIGHTS)


def _read(storage: str, study: str, previous: StudyTable | None, state: TaskState) -> StudyTable:
    from playground.core.training.sweep_results import read_study

    return read_study(storage, study, previous)
