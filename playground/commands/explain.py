"""`playground explain PROJECT IMAGE --method … [--target CLASS] -o OUT.png [--json]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playground.core.data.preprocess import open_photo, preprocess
from playground.core.errors import PlaygroundError
from playground.core.inspect.explain import METHODS, class_index, explain
from playground.core.inspect.heatmap import overlay
from playground.core.inspect.inference import inference_copy
from playground.core.io.pretrained import PRETRAINED_NETWORKS, open_trained


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="show which pixels drove a class's score")
    p.add_argument(
        "project",
        type=Path,
        help=f"a .playground file, or {', '.join(PRETRAINED_NETWORKS)} (ships trained)",
    )
    p.add_argument("image", type=Path)
    p.add_argument("--method", choices=list(METHODS), required=True)
    p.add_argument("--target", help="the class to explain, by name or number (default: the top)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the picture to write (PNG)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.output.suffix.lower() != ".png":
        raise PlaygroundError("the output file name must end in .png")
    project = open_trained(args.project)
    if project.weights is None or project.preprocessing is None:
        raise PlaygroundError(f"{args.project.name} has no trained weights: train it first")
    model = inference_copy(project.build_trained_model())
    names = project.class_names
    target = None if args.target is None else class_index(args.target, names)
    picture = preprocess(open_photo(args.image, project.preprocessing), project.preprocessing)
    result = explain(model, picture, project.preprocessing, args.method, target)
    try:
        overlay(picture, result.heatmap).save(args.output, "PNG")
    except OSError as e:
        raise PlaygroundError(f"could not write {args.output}: {e.strerror or e}") from None
    name = names[result.target] if result.target < len(names) else str(result.target)
    if args.json:
        print(
            json.dumps(
                {
                    "method": args.method,
                    "target": name,
                    "target_index": result.target,
                    "probability": result.probability,
                    "file": str(args.output),
                }
            )
        )
    else:
        label = METHODS[args.method][0]
        print(f"{label} for {name} ({result.probability:.0%}): wrote {args.output}")
    return 0
