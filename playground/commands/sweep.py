"""`playground sweep SPEC|PROJECT --dataset D --trials N --param NAME=LOW..HIGH[:log] …`:
an Optuna study over settings and card parameters; several processes, on several machines,
add to one study through --storage and --study."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playground.commands.train import (
    add_dataset_arguments,
    check_output,
    network_and_data,
    project_to_continue,
    train_config,
)
from playground.core.data.ref import CLASSIFICATION, REGRESSION
from playground.core.errors import PlaygroundError
from playground.core.io.project import SUFFIX, Project
from playground.core.io.project_runs import add_runs
from playground.core.training.config import OPTIMIZERS, TrainConfig
from playground.core.training.sweep import (
    MAX_WORKERS,
    SAMPLERS,
    SweepPlan,
    TrialResult,
    open_study,
    run_sweep,
    score_name,
)
from playground.core.training.sweep_space import SETTINGS, check_params, parse_param


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="try many settings (Optuna) and keep each trial as a run",
        description="Each trial trains the network with values picked from the --param ranges; "
        "a trial whose validation accuracy (R² for a number) trails the median of the others' "
        "at the same epoch "
        "is pruned. Processes given the same --storage and --study add to one study, on one "
        "machine or many.",
    )
    p.add_argument("spec", help=f"a network JSON file, a preset or a {SUFFIX} project")
    add_dataset_arguments(p)
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=RANGE",
        help=f"vary NAME over LOW..HIGH[:log] or A,B,C; NAME is a setting ({', '.join(SETTINGS)})"
        " or a card's parameter, layers.INDEX.NAME (e.g. layers.1.out_features)",
    )
    p.add_argument("--trials", type=int, default=10, help="trials this process adds (default 10)")
    p.add_argument("--sampler", choices=SAMPLERS, default="tpe", help="default tpe")
    p.add_argument(
        "--storage",
        help="sqlite:///FILE, postgresql://USER@HOST/DB (any SQLAlchemy URL) or a journal file "
        "(.log) on a shared disk; default: a SQLite file beside the project",
    )
    p.add_argument("--study", help="the study's name (default: the project's name)")
    p.add_argument("--workers", type=int, default=1, help="trials at once, one process each")
    p.add_argument("--epochs", type=int, help="each trial's epochs, unless swept")
    p.add_argument("--batch-size", type=int, help="unless swept")
    p.add_argument("--lr", type=float, help="unless swept")
    p.add_argument("--optimizer", choices=OPTIMIZERS, help="unless swept")
    p.add_argument("--seed", type=int)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help=f"the project ({SUFFIX}) the trials are added to as runs (default: PROJECT)",
    )
    p.add_argument("--json", action="store_true", help="print the best trial as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.workers <= MAX_WORKERS:
        raise PlaygroundError(f"--workers must be from 1 to {MAX_WORKERS}")
    if args.trials < 1:
        raise PlaygroundError("--trials must be at least 1")
    project = project_to_continue(args.spec)
    output = args.output or (Path(args.spec) if project else None)
    if output:
        check_output(output)
    spec, data, _, _ = network_and_data(args, project)
    base = train_config(args, project.config if project else TrainConfig())
    params = tuple(parse_param(t) for t in args.param)
    check_params(list(params), spec)
    name = args.study or (output.stem if output else "sweep")
    plan = SweepPlan(
        spec,
        data.ref,
        base,
        params,
        args.storage or default_storage(output),
        name,
        args.trials,
        args.sampler,
        data.task,
    )
    new = Project(spec, data.ref, base, data.class_names, data.preprocessing)
    if not args.json:
        print(f"Study {name!r} in {plan.storage}: {args.trials} trials", file=sys.stderr)

    def heard(result: TrialResult) -> None:
        if output and result.run is not None:
            add_runs(output, [result.run], new)
        if not args.json:
            print(describe(result, data.task), flush=True)

    results = run_sweep(plan, args.workers, heard)
    study = open_study(plan)
    summary = _summary(plan, study, results, output)
    if args.json:
        print(json.dumps(summary))
    elif summary["best"]:
        best = summary["best"]
        print(
            f"Best of {summary['study_trials']} trials: trial {best['number']}, validation "
            f"{score_name(data.task)} {best[_KEYS[data.task]]:.3f} with {_values(best['values'])}",
            file=sys.stderr,
        )
    # pruned trials did their job (they told the study what fails); only all failing fails
    return 0 if any(r.state != "failed" for r in results) else 1


def default_storage(output: Path | None) -> str:
    """A SQLite file beside the project, or in the current folder."""
    path = output.with_suffix(".sweeps.db") if output else Path("sweeps.db")
    return f"sqlite:///{path.resolve()}"


_KEYS = {CLASSIFICATION: "val_accuracy", REGRESSION: "val_r2"}  # as train --json names them


def describe(result: TrialResult, task: str = CLASSIFICATION) -> str:
    key = "val_acc" if task == CLASSIFICATION else "val_r2"
    value = f"{key} {result.value:.3f}" if result.value is not None else result.state
    reason = f": {result.error}" if result.error else ""
    return f"trial {result.number:3d}  {value}{reason}  {_values(result.values)}"


def _values(values: dict) -> str:
    return "  ".join(
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items()
    )


def _summary(plan: SweepPlan, study, results: list[TrialResult], output: Path | None) -> dict:
    import optuna

    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    best = max(complete, key=lambda t: t.value) if complete else None
    counts = {s: sum(r.state == s for r in results) for s in ("complete", "pruned", "failed")}
    return {
        "study": plan.study,
        "storage": plan.storage,
        "trials": len(results),
        **counts,
        "study_trials": len(study.get_trials(deepcopy=False)),
        "best": best
        and {
            "number": best.number,
            _KEYS[plan.task]: best.value,
            "values": best.params,
        },
        "project": str(output) if output else None,
    }
