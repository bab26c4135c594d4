"""`playground train SPEC|PROJECT --dataset NAME --epochs N …`: headless training, in one
process or in each of torchrun's."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

from torch import nn

from playground.core.data.dataset import Dataset
from playground.core.data.ref import REGRESSION, TASKS, DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.data.toy_features import FEATURES
from playground.core.errors import PlaygroundError, ProjectError, SpecError
from playground.core.io.project import (
    SUFFIX,
    Project,
    load_project,
    save_project,
    sweep_temporaries,
)
from playground.core.io.trained import trained_project
from playground.core.limits import MAX_RUNS
from playground.core.model.presets import PRESETS, preset
from playground.core.model.shapes import infer_shapes
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import (
    DEVICE_CHOICES,
    OPTIMIZERS,
    REGRESSION_LOSSES,
    REGULARIZATIONS,
    TrainConfig,
)
from playground.core.training.device import device_label
from playground.core.training.distributed import (
    Cluster,
    DistributedError,
    DistributedStrategy,
    detect,
    join,
    leave,
    wait_for_all,
)
from playground.core.training.events import EpochMetrics, Event, Sink, fan_out
from playground.core.training.history import History
from playground.core.training.runs import Run, new_run
from playground.core.training.tensorboard_log import TensorBoardLog
from playground.core.training.trainer import Trainer
from playground.core.workflows.transfer import TRANSFER, Transfer, prepare_transfer


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train a network headless (also under torchrun)",
        description="Settings left out come from the project, when training one further, or "
        "are the defaults. Under torchrun, --batch-size is the batch of all processes together.",
    )
    p.add_argument(
        "spec",
        help=f"a network JSON file, a preset ({', '.join(PRESETS)}) or a {SUFFIX} project to "
        "train further",
    )
    add_dataset_arguments(p)
    p.add_argument("--epochs", type=int, help=f"default {TrainConfig.epochs}")
    p.add_argument("--batch-size", type=int, help=f"default {TrainConfig.batch_size}")
    p.add_argument("--lr", type=float, help=f"default {TrainConfig.lr}")
    p.add_argument("--optimizer", choices=OPTIMIZERS, help=f"default {TrainConfig.optimizer}")
    p.add_argument("--weight-decay", type=float, help=f"default {TrainConfig.weight_decay}")
    p.add_argument("--momentum", type=float, help=f"default {TrainConfig.momentum}")
    p.add_argument(
        "--regularization",
        choices=REGULARIZATIONS,
        help="a penalty on the weights added to the cost: l1 (rate·Σ|w|) or l2 (rate·Σw²)",
    )
    p.add_argument("--reg-rate", type=float, help="the regularization's rate (default 0)")
    p.add_argument(
        "--loss",
        choices=REGRESSION_LOSSES,
        help="regression: mean squared error, mean absolute error or Huber (default mse)",
    )
    p.add_argument("--device", choices=DEVICE_CHOICES, help=f"default {TrainConfig.device}")
    p.add_argument("--seed", type=int, help=f"default {TrainConfig.seed}")
    p.add_argument(
        "--patience",
        type=int,
        help="stop once the validation loss has not improved for this many epochs",
    )
    p.add_argument(
        "--augment",
        metavar="CHANGES",
        help="random changes to each training batch, each with its strength, e.g. "
        "crop=0.3,flip,rotate=15,jitter=0.2 (jitter: colour images only; none: off)",
    )
    p.add_argument(
        "--restore-best",
        action="store_true",
        help="end with the weights of the epoch with the lowest validation loss",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help=f"write a project file ({SUFFIX}); the run is added to the project's runs",
    )
    p.add_argument(
        "--keep-run-weights",
        action="store_true",
        help="with -o: keep this run's weights in its record too, to compare runs later",
    )
    p.add_argument("--tensorboard", type=Path, metavar="DIR", help="write TensorBoard logs")
    p.add_argument("--json", action="store_true", help="print the final metrics as JSON")
    p.set_defaults(run=run)


def add_dataset_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--dataset",
        help="mnist5k, circle, xor, gauss, spiral, plane, multigauss, sine, a CSV/TSV table, "
        "an image folder or IDX files (default mnist5k, or the project's)",
    )
    p.add_argument(
        "--target", metavar="COLUMN", help="tables: the column to predict (default the last)"
    )
    p.add_argument(
        "--inputs",
        metavar="A,B,…",
        help="tables: the input columns (default every column of numbers or categories)",
    )
    p.add_argument(
        "--task",
        choices=TASKS,
        help="tables: classes or a number (default from the target: words or a few whole "
        "numbers are classes)",
    )
    p.add_argument(
        "--fill",
        action="store_true",
        help="tables: fill a blank or non-numeric cell of a numeric input with the column's "
        "training mean (default: refuse the table, naming the cell)",
    )
    p.add_argument("--noise", type=float, help="toy data sets: noise from 0 to 1")
    p.add_argument("--samples", type=int, help="toy data sets: number of points")
    p.add_argument(
        "--features",
        help=f"toy data sets: the network's inputs, of {', '.join(FEATURES)} (default x1,x2)",
    )
    p.add_argument(
        "--test-ratio", type=float, help="toy data sets: the fraction held out to validate"
    )
    p.add_argument("--image-size", type=int, help="image folders: side in pixels (default 32)")
    p.add_argument("--gray", action="store_true", help="image folders: load as gray")


def dataset_ref(args: argparse.Namespace) -> DatasetRef:
    options = {
        "noise": args.noise,
        "samples": args.samples,
        "size": args.image_size,
        "features": args.features,
        "test_ratio": args.test_ratio,
        "target": args.target,
        "inputs": args.inputs,
        "task": args.task,
    }
    if args.gray:
        options["channels"] = 1
    if args.fill:
        options["fill"] = 1
    return DatasetRef(
        args.dataset or "mnist5k", {k: v for k, v in options.items() if v is not None}
    )


SETTINGS = (
    "optimizer",
    "lr",
    "batch_size",
    "epochs",
    "weight_decay",
    "momentum",
    "seed",
    "device",
    "patience",
    "augment",
    "regularization",
    "reg_rate",
    "loss",
)


def train_config(args: argparse.Namespace, base: TrainConfig) -> TrainConfig:
    """base with the settings given on the command line."""
    given = {k: getattr(args, k) for k in SETTINGS if getattr(args, k, None) is not None}
    return replace(base, **given)


def project_to_continue(text: str) -> Project | None:
    """The project text names, to train further; None for a preset or a network file."""
    if not text.endswith(SUFFIX):
        return None
    project = load_project(text)
    for note in project.notes:  # its table read from the copy kept inside
        print(note, file=sys.stderr)
    return project


def check_fits(project: Project, path: str, data: Dataset) -> None:
    """PlaygroundError unless data has the inputs and classes project was trained on."""
    classes = len(project.class_names) or data.num_classes
    if data.input_shape != project.spec.input_shape or data.num_classes != classes:
        raise PlaygroundError(
            f"{Path(path).name} takes inputs {list(project.spec.input_shape)} in {classes} "
            f"classes but {data.name} gives {list(data.input_shape)} in {data.num_classes}"
        )


def network_and_data(
    args: argparse.Namespace, project: Project | None
) -> tuple[NetworkSpec, Dataset, nn.Sequential | None, History | None]:
    """The network to train (with its weights and history when a project is trained further)
    and the data set."""
    ref = project.dataset if project and not args.dataset else dataset_ref(args)
    data = load_dataset(ref)  # the split is fixed; --seed seeds the training
    if project:
        check_fits(project, args.spec, data)
        return project.spec, data, project.build_trained_model(), project.history
    return resolve_spec(args.spec, data.input_shape, data.num_classes), data, None, None


def resolve_spec(text: str, input_shape: tuple[int, ...], classes: int) -> NetworkSpec:
    """A preset name or a spec file; the file's input shape must match the data set."""
    if text in PRESETS:
        return preset(text, input_shape, classes)
    if not Path(text).exists():
        raise SpecError(f"'{text}' is neither a preset ({', '.join(PRESETS)}) nor a file")
    spec = NetworkSpec.load(text)
    if spec.input_shape != input_shape:
        raise SpecError(
            f"the network expects input {list(spec.input_shape)} but the data set gives "
            f"{list(input_shape)}"
        )
    report = infer_shapes(spec, classes)
    if not report.ok:
        raise SpecError(f"{Path(text).name}: {report.error}")
    return spec


def run(args: argparse.Namespace) -> int:
    """Train in this process or, under torchrun, as one of its processes."""
    project = project_to_continue(args.spec)
    config = train_config(args, project.config if project else TrainConfig())
    if args.output:
        check_output(args.output)
    elif args.keep_run_weights:
        raise PlaygroundError("--keep-run-weights keeps them in the project: give -o too")
    cluster = detect()
    if cluster is None:
        return _train(args, project, config, None)
    if args.spec == TRANSFER:
        raise DistributedError("transfer trains in seconds on one machine: run it without torchrun")
    join(cluster, config.device)
    try:
        code = _train(args, project, config, cluster)
        wait_for_all()
    finally:
        leave()
    # Gloo's worker threads can abort the interpreter's finalization (std::terminate: torchrun
    # then calls the run failed though every rank finished and the project is written): this
    # rank's work is done and its files closed, so it ends here, its output flushed
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _train(
    args: argparse.Namespace, project: Project | None, config: TrainConfig, cluster: Cluster | None
) -> int:
    leader = cluster is None or cluster.leader  # the one process that prints and writes
    sinks: list[Sink] = [_print_epoch] if leader and not args.json else []
    log = TensorBoardLog(args.tensorboard, config) if leader and args.tensorboard else None
    if log:
        sinks.append(log)
    sink = fan_out(*sinks) if sinks else None
    transferred: Transfer | None = None
    if args.spec == TRANSFER:  # the frozen features of the folder's photos, cached
        if args.image_size is not None or args.gray:
            raise PlaygroundError(
                "transfer reads photos as the ImageNet network does (224×224 "
                "colour): leave out --image-size and --gray"
            )
        transferred = prepare_transfer(dataset_ref(args).source, config, sink)
        trainer = transferred.trainer
        data = trainer.data
    else:
        spec, data, model, history = network_and_data(args, project)
        strategy = DistributedStrategy(cluster) if cluster else None
        trainer = Trainer(spec, data, config, sink, model, history, strategy=strategy)
    processes = f" × {cluster.world_size} processes" if cluster else ""
    if leader and not args.json:
        print(
            f"Training on {device_label(trainer.device)}{processes}: {len(data.x_train)} "
            f"training and {len(data.x_val)} validation samples",
            file=sys.stderr,
        )
        for reason in data.skipped:
            print(f"skipped {reason}", file=sys.stderr)
    first_step, started, began = trainer.history.last_step, time.time(), time.perf_counter()
    try:
        with _stop_on_interrupt(trainer) as interrupted:
            finished = trainer.run()
    finally:
        if log:
            log.close()
    duration = time.perf_counter() - began
    best = trainer.best
    if args.restore_best and best is not None and finished.status != "error":
        trainer.restore_best()
        finished = replace(
            finished,
            message=f"{finished.message}; kept the weights of epoch {best.epoch}, the best "
            f"(validation loss {best.val_loss:.4f})",
        )
    if interrupted:
        kept = f"; saved the {finished.epochs_done} epochs trained so far to {args.output}"
        finished = replace(
            finished, status="interrupted", message="Interrupted" + (kept if args.output else "")
        )
    runs = 0
    if args.output and leader:
        saved = transferred.project() if transferred else trained_project(trainer)
        weights = saved.weights if args.keep_run_weights else None
        device = device_label(trainer.device) + processes
        this = new_run(
            config,
            saved.dataset,
            trainer.history,
            first_step,
            finished,
            device,
            started,
            duration,
            weights,
            spec=saved.spec,
        )
        saved.runs = [*_earlier_runs(project, args.output), this][-MAX_RUNS:]
        # a record continued from one that failed its seal stays untrusted
        saved.sealed = (project is None or project.sealed) and all(r.trusted for r in saved.runs)
        note = save_project(args.output, saved)
        if note:  # the table was too large to keep inside the project
            print(note, file=sys.stderr)
        runs = len(saved.runs)
    last = trainer.history.epochs[-1] if trainer.history.epochs else None
    result = {
        "status": finished.status,
        "message": finished.message,
        "epochs": finished.epochs_done,
        "steps": finished.step,
        "device": trainer.device.type,
        "train_loss": last and last.train_loss,
        "val_loss": last and last.val_loss,
        **_scores(data.task, last),
        "samples_per_s": last and last.samples_per_s,
        "best_epoch": best and best.epoch,
        "best_val_loss": best and best.val_loss,
        "restored_best": bool(args.restore_best and best),
        "duration_s": duration,
        "project": str(args.output) if args.output else None,
        "runs": runs,
        "skipped_files": len(data.skipped),
        "world_size": cluster.world_size if cluster else 1,
    }
    if leader and args.json:
        print(json.dumps(result))
    elif leader:
        print(finished.message, file=sys.stderr)
    if interrupted:
        return 130  # the shell's code for a run ended by Ctrl-C
    return 0 if finished.status in ("completed", "stopped") else 1


def _scores(task: str, last: EpochMetrics | None) -> dict[str, float | None]:
    """Accuracy for classes; the mean absolute error (in the target's units) and R² for a
    regression."""
    if task == REGRESSION:
        return {
            "train_r2": last and last.train_accuracy,
            "val_mae": last and last.val_mae,
            "val_r2": last and last.val_accuracy,
        }
    return {
        "train_accuracy": last and last.train_accuracy,
        "val_accuracy": last and last.val_accuracy,
    }


def _earlier_runs(project: Project | None, output: Path) -> list[Run]:
    """The runs of the project trained further or, when training a new network, those of the
    project that output overwrites (none if it is not one)."""
    if project is not None:
        return project.runs
    with suppress(ProjectError):
        return load_project(output).runs if output.is_file() else []
    return []


def check_output(path: Path) -> None:
    """Refuse a project path that could not be written, before hours of training."""
    if path.suffix != SUFFIX:
        raise PlaygroundError(f"the project file name must end in {SUFFIX}")
    target = path.resolve()
    if target.is_dir():
        raise PlaygroundError(f"{path} is a folder: give a file name such as {path}/net{SUFFIX}")
    if not target.parent.is_dir():
        raise PlaygroundError(f"cannot write {path}: the folder {path.parent} does not exist")
    sweep_temporaries(target.parent)  # of saves killed mid-write by an earlier run


@contextmanager
def _stop_on_interrupt(trainer: Trainer) -> Iterator[list[bool]]:
    """While training, Ctrl-C (or SIGTERM) asks the trainer to stop, so that the run ends at
    the next step with everything trained so far kept; a second Ctrl-C aborts as usual. The
    list yielded holds True once that happened."""
    interrupted: list[bool] = []
    if threading.current_thread() is not threading.main_thread():  # signals need the main one
        yield interrupted
        return

    def handler(signum: int, frame: object) -> None:
        if interrupted:
            raise KeyboardInterrupt
        interrupted.append(True)
        trainer.stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield interrupted
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _print_epoch(event: Event) -> None:
    if isinstance(event, EpochMetrics) and event.val_mae is not None:
        print(
            f"epoch {event.epoch:4d}  loss {event.train_loss:.4f}  R² {event.train_accuracy:.3f}  "
            f"val_loss {event.val_loss:.4f}  val_mae {event.val_mae:.4g}  "
            f"val_R² {event.val_accuracy:.3f}  {event.samples_per_s:,.0f} samples/s",
            flush=True,
        )
    elif isinstance(event, EpochMetrics):
        print(
            f"epoch {event.epoch:4d}  loss {event.train_loss:.4f}  acc {event.train_accuracy:.3f}  "
            f"val_loss {event.val_loss:.4f}  val_acc {event.val_accuracy:.3f}  "
            f"{event.samples_per_s:,.0f} samples/s",
            flush=True,
        )
