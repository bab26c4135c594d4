"""`playground bench [--json]`: throughput against a bare PyTorch loop, GUI fluidity, latency."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Iterable
from statistics import median

import torch

from playground.bench.loops import history_growth_mb
from playground.bench.scaling import processes_by_default, scaling
from playground.core.errors import PlaygroundError
from playground.core.training.config import DEVICE_CHOICES, TrainConfig
from playground.core.training.device import TRAINING_THREADS, device_label, pick_device

TARGETS = {
    "gui_ratio": 0.90,
    "gui_neurons_ratio": 0.90,
    "lateness_p99_ms": 20,
    "lateness_max_ms": 100,
    "launch_s": 2.0,
    "drop_to_bars_ms": 50,
    "history_30min_mb": 50,
    "imagenet_drop_to_bars_ms": 150,
    "transfer_s": 60,
    "transfer_val_accuracy": 0.90,
}
SLICES = 3  # per round: short runs of each kind, interleaved


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="measure training speed, GUI fluidity and latency")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument(
        "--repeats", type=int, default=3, help="rounds, each a new process (medians kept)"
    )
    p.add_argument(
        "--quick", action="store_true", help="one short round of LeNet-5: checks, not figures"
    )
    p.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="also time torchrun with 1 and with N processes (default: every GPU, when several)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from playground.bench import gui as bench_gui

    if args.processes is not None and args.processes < 2:
        raise PlaygroundError(f"--processes {args.processes}: give 2 or more to compare with 1")
    device = pick_device(args.device)
    config = TrainConfig(batch_size=64, device=args.device)
    gpu = device.type != "cpu"
    epochs = {"mlp": 120 if gpu else 30, "lenet5": 40 if gpu else 5}  # a slice: ~3 s on 2 cores
    slices = SLICES
    if args.quick:  # LeNet-5 alone: the network every live view draws something of
        epochs, args.repeats, slices = {"lenet5": 1}, 1, 1
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, torch "
        f"{torch.__version__}, {TRAINING_THREADS} training threads",
        "device": device_label(device),
        "batch_size": config.batch_size,
        "rounds": args.repeats,
        "slices_per_round": slices,
        "models": {},
    }
    for name, n in epochs.items():
        rounds = [
            bench_gui.bench_round_process(name, n, config, slices) for _ in range(args.repeats)
        ]
        report["models"][name] = _summarise(rounds)
    launches = [bench_gui.launch_seconds() for _ in range(args.repeats)]
    report["launch_s"] = median(shown for shown, _ in launches)
    report["ready_to_train_s"] = median(ready for _, ready in launches)
    report["history_30min_mb"] = history_growth_mb()
    report["folder_load"] = bench_gui.folder_load_process(100 if args.quick else 5000)
    report["sweep"] = bench_gui.sweep_process(*((1, 200, 1) if args.quick else (6, 1000, 3)))
    processes = processes_by_default(device) if args.processes is None else args.processes
    if processes > 1:
        scaling_epochs = 1 if args.quick else (10 if gpu else 3)
        report["scaling"] = scaling(processes, device, scaling_epochs, 64, args.repeats)
    per_class = 5 if args.quick else 20
    report["photos"] = _photos([bench_gui.photos_process(per_class) for _ in range(args.repeats)])
    report["targets"] = TARGETS
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_table(report)
    return 0


def _summarise(rounds: list[dict]) -> dict:
    """Medians over every slice of each figure, and of each slice's ratio to the bare loops run
    either side of it; the worst lateness of any round."""
    kinds = ("trainer", "gui", "gui_timed", "gui_neurons")
    runs = {k: [x for r in rounds for x in r[k]] for k in kinds}
    refs = {k: [x for r in rounds for x in r["bare"][k]] for k in kinds}
    ratios = {k: [x / b for x, b in zip(runs[k], refs[k], strict=True)] for k in kinds}
    late = [r["lateness"] for r in rounds]
    drops = [r["drop_to_bars_ms"] for r in rounds]
    return {
        "bare_samples_per_s": median(x for k in kinds for x in refs[k]),
        "trainer_samples_per_s": median(runs["trainer"]),
        "gui_samples_per_s": median(runs["gui"]),
        "gui_timed_samples_per_s": median(runs["gui_timed"]),
        "trainer_ratio": median(ratios["trainer"]),
        "gui_ratio": median(ratios["gui"]),
        "gui_ratio_slices": [round(x, 3) for x in ratios["gui"]],
        "gui_timed_ratio": median(ratios["gui_timed"]),
        "gui_neurons_ratio": median(ratios["gui_neurons"]),
        "gui_neurons_ratio_slices": [round(x, 3) for x in ratios["gui_neurons"]],
        # the same loop run twice, a slice apart: how far the machine alone moves a ratio
        "bare_to_bare_range": _extremes(x for r in rounds for x in r["bare_drift"]),
        # what the window takes from training, free of the machine's noise
        "gui_cpu_share": median(x for r in rounds for x in r["gui_cpu_share"]),
        "lateness_ms": {k: max(t[k] for t in late) for k in ("p50_ms", "p99_ms", "max_ms")},
        "drop_to_bars_ms": {
            "median_ms": median(d["median_ms"] for d in drops),
            "max_ms": max(d["max_ms"] for d in drops),
        },
    }


def _print_scaling(s: dict) -> None:
    print(
        f"torchrun, {s['model']} on {s['dataset']}, batch {s['batch_per_process']} per process, "
        f"{s['threads_per_process']} thread(s) each: 1 process {s['samples_per_s_1']:,.0f} "
        f"samples/s, {s['processes']} processes {s['samples_per_s_n']:,.0f} samples/s: "
        f"× {s['speed_up']:.2f}, scaling efficiency {s['efficiency']:.0%} (runs: "
        f"{s['runs_1']} and {s['runs_n']})"
    )


def _photos(rounds: list[dict]) -> dict:
    """Medians over the rounds of the pretrained network's figures (and their spread)."""
    drops = [r["imagenet_drop_to_bars_ms"]["median_ms"] for r in rounds]
    rates = [r["feature_caching"]["images_per_s"] for r in rounds]
    runs = [r["transfer"] for r in rounds]
    return {
        "imagenet_drop_to_bars_ms": median(drops),
        "imagenet_drop_to_bars_rounds": [round(x, 1) for x in drops],
        "feature_caching_images_per_s": median(rates),
        "feature_caching_rounds": [round(x, 1) for x in rates],
        "transfer_s": median(r["total_s"] for r in runs),
        "transfer_rounds_s": [round(r["total_s"], 1) for r in runs],
        "transfer_head_s": median(r["head_s"] for r in runs),
        "transfer_val_accuracy": min(r["val_accuracy"] for r in runs),
    }


def _extremes(values: Iterable[float]) -> list[float]:
    v = list(values)
    return [round(min(v), 3), round(max(v), 3)]


def _print_table(r: dict) -> None:
    print(f"Neural Playground bench on {r['device']} ({r['machine']}), batch {r['batch_size']}")
    print(
        f"{'model':8} {'bare/s':>10} {'trainer/s':>10} {'gui/s':>10} {'trainer':>8} {'gui':>6} "
        f"{'+timer':>7} {'+neurons':>9} {'late p50':>9} {'p99':>7} {'max':>7} {'drop→bars':>10}"
    )
    for name, m in r["models"].items():
        late = m["lateness_ms"]
        print(
            f"{name:8} {m['bare_samples_per_s']:10,.0f} {m['trainer_samples_per_s']:10,.0f} "
            f"{m['gui_samples_per_s']:10,.0f} {m['trainer_ratio']:8.2f} {m['gui_ratio']:6.2f} "
            f"{m['gui_timed_ratio']:7.2f} {m['gui_neurons_ratio']:9.2f} "
            f"{late['p50_ms']:7.1f}ms {late['p99_ms']:5.1f}ms "
            f"{late['max_ms']:5.1f}ms "
            f"{m['drop_to_bars_ms']['median_ms']:8.1f}ms"
        )
    spread = ", ".join(
        f"{name} {m['bare_to_bare_range'][0]:.2f}–{m['bare_to_bare_range'][1]:.2f}"
        for name, m in r["models"].items()
    )
    print(f"the bare loop against itself a slice later (this machine's noise): {spread}")
    share = ", ".join(f"{name} {m['gui_cpu_share']:.1%}" for name, m in r["models"].items())
    print(f"GUI thread while training, share of one core (taken from training): {share}")
    print(
        f"window shown {r['launch_s']:.2f} s after launch, ready to train at "
        f"{r['ready_to_train_s']:.2f} s; 30-minute step history "
        f"{r['history_30min_mb']:.2f} MB"
    )
    f = r["folder_load"]
    print(
        f"loading a folder of {f['images']:,} photos: {f['load_s']:.1f} s, GUI timer lateness "
        f"p99 {f['lateness']['p99_ms']:.1f} ms, max {f['lateness']['max_ms']:.1f} ms"
    )
    s = r["sweep"]
    print(
        f"a sweep of {s['trials']} trials from the window: {s['sweep_s']:.1f} s, GUI timer "
        f"lateness p50 {s['lateness']['p50_ms']:.1f} ms, p99 {s['lateness']['p99_ms']:.1f} ms, "
        f"max {s['lateness']['max_ms']:.1f} ms"
    )
    if "scaling" in r:
        _print_scaling(r["scaling"])
    p = r["photos"]
    print(
        f"ImageNet classifier on the CPU: drop → top-5 bars {p['imagenet_drop_to_bars_ms']:.0f} ms "
        f"(rounds {p['imagenet_drop_to_bars_rounds']}); features of photos "
        f"{p['feature_caching_images_per_s']:.1f} images/s; transfer learning on 3 × 20 photos "
        f"{p['transfer_s']:.1f} s (head {p['transfer_head_s']:.1f} s), validation accuracy "
        f"{p['transfer_val_accuracy']:.0%}"
    )
    print(
        f"medians of {r['rounds']} rounds × {r['slices_per_round']} slices, each slice's ratio "
        "against the bare loops run either side of it; gui: every live view open; +timer: the "
        "same with the 10 ms lateness timer running; +neurons: the same with the neuron view "
        "open too; lateness: the worst round"
    )
    print(
        "targets: gui (and +neurons) ≥ 0.90 × bare, lateness p99 ≤ 20 ms, max ≤ 100 ms, "
        "window ≤ 2 s, drop→bars ≤ 50 ms (ImageNet ≤ 150 ms), history < 50 MB, lateness while "
        "a folder loads and while a sweep runs as while training, transfer learning ≥ 90 % in "
        "< 60 s"
    )
