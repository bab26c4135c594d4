"""Sweeps with Optuna: a study over training settings and card parameters whose trials are
training runs, pruned early by the median of the others' validation curves. A trial's value is
its best validation score: the accuracy for classes, R² for a number (both: higher is better).

A study is a database: SQLite beside the project by default, any SQLAlchemy URL (PostgreSQL,
MySQL) or Optuna's journal file on a shared disk, so any number of processes on any number of
machines add trials to the same study by opening it by name."""

from __future__ import annotations

import math
import os
import queue
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from playground.core.data.ref import CLASSIFICATION, REGRESSION, DatasetRef
from playground.core.errors import PlaygroundError
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.events import EpochMetrics, Event
from playground.core.training.runs import MAX_RUN_NAME, Run, new_run
from playground.core.training.sweep_space import Param, apply_values

if TYPE_CHECKING:
    import optuna

    from playground.core.data.dataset import Dataset

SAMPLERS = ("tpe", "random", "grid")
JOURNAL_SUFFIXES = (".log", ".journal", ".jsonl")  # a --storage path with these: a journal file
SQLITE_TIMEOUT_S = 60  # processes writing one SQLite file wait for each other this long
MAX_WORKERS = 64
SCHEMA_TRIES = 5  # tries at a new database's tables, which two processes may make at once
BACKGROUND_NICE = 10  # a background sweep's workers yield the cores to the window
POLL_S = 0.2  # how often the sweep's process looks for finished trials and a cancel
SCORES = {CLASSIFICATION: "accuracy", REGRESSION: "R²"}  # what a trial's value is, by task
TASK_ATTR = "task"  # the study's user attribute naming the task its trials learn


def score_name(task: str) -> str:
    """'accuracy' or 'R²': the validation score a study of task maximises."""
    return SCORES.get(task, SCORES[CLASSIFICATION])


@dataclass(frozen=True)
class SweepPlan:
    """Everything a worker process needs to add trials to a study: plain, picklable values."""

    spec: NetworkSpec
    dataset: DatasetRef
    config: TrainConfig  # the settings the trials start from
    params: tuple[Param, ...]
    storage: str  # a SQLAlchemy URL, or a journal file's path
    study: str
    trials: int = 10
    sampler: str = "tpe"
    task: str = CLASSIFICATION  # the data set's: the trials' value is its score


@dataclass(frozen=True)
class TrialResult:
    """A finished trial: its number in the study, how it ended, its validation score (the
    best epoch's accuracy or R²) and values, and the training run it was."""

    number: int
    state: str  # complete, pruned, failed
    value: float | None
    values: dict[str, Any]
    run: Run | None = None
    error: str = ""


def storage_of(url: str) -> Any:
    """An Optuna storage for url: a journal file for a path ending in .log/.journal, otherwise
    an RDB storage (SQLite waits for other processes' writes instead of failing)."""
    import optuna
    from optuna.storages.journal import JournalFileBackend, JournalStorage

    if "://" not in url:
        if not url.endswith(JOURNAL_SUFFIXES):
            raise PlaygroundError(
                f"--storage {url!r}: give a database URL (sqlite:///FILE, postgresql://…) or a "
                f"journal file ending in {', '.join(JOURNAL_SUFFIXES)}"
            )
        return JournalStorage(JournalFileBackend(url))
    from sqlalchemy.pool import NullPool

    # no pool: a connection closes after each use, so no study left open holds one
    kwargs: dict[str, Any] = {"poolclass": NullPool}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": SQLITE_TIMEOUT_S}
    for attempt in range(SCHEMA_TRIES):
        try:
            return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)
        except (ImportError, ModuleNotFoundError) as e:
            raise PlaygroundError(f"--storage {url!r} needs a database driver: {e}") from None
        except Exception as e:  # SQLAlchemy's errors: a refused connection, a bad URL
            # two processes making a new database's tables at once: one loses, then finds them
            if "already exists" in str(e) and attempt + 1 < SCHEMA_TRIES:
                time.sleep(0.2 * (attempt + 1))
                continue
            raise PlaygroundError(
                f"cannot open the study storage {url!r}: {_first_line(e)}"
            ) from None
    raise AssertionError("unreachable")


def open_study(plan: SweepPlan) -> optuna.Study:
    """The plan's study, created on first use: any process opening it adds to the same one.
    PlaygroundError if the study's trials learn another task (their values would not compare)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)  # failures: told in our own words
    pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1)
    study = optuna.create_study(
        storage=storage_of(plan.storage),
        study_name=plan.study,
        direction="maximize",
        sampler=_sampler(plan),
        pruner=pruner,
        load_if_exists=True,
    )
    # a study made before tasks were recorded holds classes
    had = study.user_attrs.get(TASK_ATTR) or (
        CLASSIFICATION if study.get_trials(deepcopy=False) else None
    )
    if had is None:
        study.set_user_attr(TASK_ATTR, plan.task)
    elif had != plan.task:
        raise PlaygroundError(
            f"the study {plan.study!r} compares trials by validation {score_name(had)} "
            f"({had}); this data set is a {plan.task}: name another study"
        )
    return study


def _sampler(plan: SweepPlan) -> optuna.samplers.BaseSampler:
    import optuna

    if plan.sampler == "random":
        return optuna.samplers.RandomSampler()
    if plan.sampler == "grid":
        return optuna.samplers.GridSampler({p.name: p.grid() for p in plan.params})
    if plan.sampler == "tpe":
        return optuna.samplers.TPESampler(n_startup_trials=min(5, max(1, plan.trials // 2)))
    raise PlaygroundError(f"unknown sampler {plan.sampler!r} (use {', '.join(SAMPLERS)})")


def suggest(trial: optuna.Trial, params: tuple[Param, ...]) -> dict[str, Any]:
    """The trial's value of each parameter, as the sampler picks it."""
    values: dict[str, Any] = {}
    for p in params:
        if p.choices:
            values[p.name] = trial.suggest_categorical(p.name, list(p.choices))
        elif p.whole:
            values[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high), log=p.log)
        else:
            values[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
    return values


class _Cancelled(Exception):
    """The sweep was cancelled while a trial trained."""


def train_trial(
    trial: optuna.Trial, plan: SweepPlan, data: Dataset, stop: Callable[[], bool]
) -> tuple[Run, float, str]:
    """Train the trial's network with its settings, reporting each epoch's validation score
    (accuracy or R²) to the pruner; (the run, the best epoch's score, how it ended:
    completed, pruned or cancelled once stop() turned True)."""
    from playground.core.training.device import device_label
    from playground.core.training.trainer import Trainer

    values = suggest(trial, plan.params)
    spec, config = apply_values(values, plan.spec, plan.config)
    ended = ["completed"]

    def sink(event: Event) -> None:
        if stop():
            ended[0] = "cancelled"
            trainer.stop()
        elif isinstance(event, EpochMetrics):
            trial.report(event.val_accuracy, event.epoch)  # a regression's R²
            if trial.should_prune():
                ended[0] = "pruned"
                trainer.stop()

    trainer = Trainer(spec, data, config, sink, report_s=0.5, snapshot_s=math.inf)
    started, began = time.time(), time.perf_counter()
    finished = trainer.run()
    device = device_label(trainer.device)
    run = new_run(
        config,
        data.ref,
        trainer.history,
        0,
        finished,
        device,
        started,
        time.perf_counter() - began,
        spec=spec,
    )
    run = replace(run, name=f"{plan.study} trial {trial.number}"[:MAX_RUN_NAME])
    if ended[0] == "completed" and (finished.status != "completed" or not trainer.history.epochs):
        raise PlaygroundError(finished.message)
    best = max((e.val_accuracy for e in trainer.history.epochs), default=0.0)
    return run, best, ended[0]


def optimize(
    plan: SweepPlan,
    trials: int,
    on_trial: Callable[[TrialResult], None],
    stop: Callable[[], bool],
) -> None:
    """Add up to trials trials to the plan's study in this process, calling on_trial as each
    ends; returns early once stop() is True."""
    import optuna

    from playground.core.data.registry import load_dataset

    data = load_dataset(plan.dataset)
    if data.task != plan.task:
        raise PlaygroundError(
            f"{data.name} is a {data.task} data set, but the sweep was planned for {plan.task}"
        )
    study = open_study(plan)
    runs: dict[int, Run] = {}

    def objective(trial: optuna.Trial) -> float:
        run, value, ended = train_trial(trial, plan, data, stop)
        runs[trial.number] = run
        if ended == "cancelled":
            raise _Cancelled
        if ended == "pruned":
            raise optuna.TrialPruned
        return value

    def after(study: optuna.Study, frozen: optuna.trial.FrozenTrial) -> None:
        state = frozen.state.name.lower().replace("fail", "failed")
        error = frozen.user_attrs.get("error", "")
        on_trial(
            TrialResult(
                frozen.number,
                state,
                frozen.value,
                dict(frozen.params),
                runs.pop(frozen.number, None),
                error,
            )
        )
        if stop():
            study.stop()

    with suppress(_Cancelled):  # the trial under way when cancelled is marked failed
        study.optimize(
            _recording_errors(objective),
            n_trials=trials,
            callbacks=[after],
            catch=(PlaygroundError,),
        )


def _recording_errors(objective: Callable[[Any], float]) -> Callable[[Any], float]:
    """objective, keeping a failed trial's one-line reason in the study for anyone to read."""

    def wrapped(trial: Any) -> float:
        try:
            return objective(trial)
        except PlaygroundError as e:
            trial.set_user_attr("error", str(e))
            raise

    return wrapped


def run_sweep(
    plan: SweepPlan,
    workers: int = 1,
    on_trial: Callable[[TrialResult], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
    background: bool = False,
) -> list[TrialResult]:
    """Run plan.trials trials, in this process or spread over workers processes (each with
    its share of the cores); on_trial hears each finished trial here, in this process.
    background: trials in worker processes even for one worker, at a lower CPU priority, so
    that a window calling this stays fluid (no training shares its interpreter or outruns it
    for the cores)."""
    if not 1 <= workers <= MAX_WORKERS:
        raise PlaygroundError(f"workers must be from 1 to {MAX_WORKERS}")
    open_study(plan)  # a storage that cannot be opened fails here, in one line
    done: list[TrialResult] = []

    def heard(result: TrialResult) -> None:
        done.append(result)
        if on_trial:
            on_trial(result)

    if workers == 1 and not background:
        optimize(plan, plan.trials, heard, stop)
    else:
        _in_processes(plan, workers, heard, stop, BACKGROUND_NICE if background else 0)
    return done


def _in_processes(
    plan: SweepPlan,
    workers: int,
    heard: Callable[[TrialResult], None],
    stop: Callable[[], bool],
    nice: int,
) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # fork would copy torch's threads' locks
    results = context.Queue()
    cancel = context.Event()
    threads = max(1, (os.cpu_count() or 1) // workers)
    shares = [plan.trials // workers + (i < plan.trials % workers) for i in range(workers)]
    processes = [
        context.Process(target=_worker, args=(plan, n, threads, nice, results, cancel), daemon=True)
        for n in shares
        if n
    ]
    for p in processes:
        p.start()
    errors: list[str] = []
    running = len(processes)
    try:
        while running:
            if stop():
                cancel.set()
            try:
                kind, payload = results.get(timeout=POLL_S)
            except queue.Empty:
                if not any(p.is_alive() for p in processes):
                    break  # a worker killed without saying goodbye
                continue
            if kind == "trial":
                heard(payload)
            elif kind == "error":
                errors.append(payload)
            else:
                running -= 1
    finally:
        cancel.set()
        for p in processes:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    if errors:
        raise PlaygroundError(errors[0])


def _worker(
    plan: SweepPlan, trials: int, threads: int, nice: int, results: Any, cancel: Any
) -> None:
    """A worker process: its trials, each reported on results as it ends; then 'done'."""
    import torch

    if nice and hasattr(os, "nice"):
        os.nice(nice)
    torch.set_num_threads(threads)
    try:
        optimize(plan, trials, lambda r: results.put(("trial", r)), cancel.is_set)
    except PlaygroundError as e:
        results.put(("error", str(e)))
    except Exception as e:  # reported in the sweep's process, which logs and shows it
        results.put(("error", f"a sweep worker failed: {_first_line(e)}"))
    finally:
        results.put(("done", None))


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
