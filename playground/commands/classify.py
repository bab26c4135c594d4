"""`playground classify PROJECT IMAGE… [--top K] [--json]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playground.core.data.imageio import ImageError
from playground.core.data.preprocess import open_photo
from playground.core.errors import PlaygroundError
from playground.core.inspect.inference import classify, inference_copy
from playground.core.io.pretrained import PRETRAINED_NETWORKS, open_trained


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="classify images with a trained project")
    p.add_argument(
        "project",
        type=Path,
        help=f"a .playground file, or {', '.join(PRETRAINED_NETWORKS)} (ships trained)",
    )
    p.add_argument("images", type=Path, nargs="+")
    p.add_argument("--top", type=int, default=3, help="how many classes to show (default 3)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = open_trained(args.project)
    if project.weights is None or project.preprocessing is None:
        raise PlaygroundError(f"{args.project.name} has no trained weights: train it first")
    model = inference_copy(project.build_trained_model())
    results, failed = [], 0
    for path in args.images:
        try:
            picture = open_photo(path, project.preprocessing)
            pred = classify(
                model,
                picture,
                project.preprocessing,
                project.class_names,
                args.top,
                project.familiarity,
            )
        except ImageError as e:
            failed += 1
            results.append({"image": str(path), "error": str(e)})
            continue
        results.append(
            {
                "image": str(path),
                "top": [{"class": c, "probability": p} for c, p in pred.top],
                # null: the network keeps no statistics of its training data to judge by
                "stranger": pred.stranger if pred.strangeness is not None else None,
                "strangeness": pred.strangeness,
                "warning": pred.warning,
            }
        )
    if args.json:
        print(json.dumps(results))
    else:
        for r in results:
            if "error" in r:
                print(f"{r['image']}: error: {r['error']}")
            else:
                bars = ", ".join(f"{t['probability']:.0%} {t['class']}" for t in r["top"])
                warning = f" ({r['warning']})" if r["warning"] else ""
                print(f"{r['image']}: {bars}{warning}")
    return 1 if failed else 0
