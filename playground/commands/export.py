"""`playground export PROJECT --format onnx|torchscript|python|ddp -o OUT`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.io.codegen import check_python_export
from playground.core.io.export import export_project
from playground.core.io.export_formats import FORMATS
from playground.core.io.pretrained import PRETRAINED_NETWORKS, open_trained


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export a trained project")
    p.add_argument(
        "project",
        type=Path,
        help=f"a .playground file, or {', '.join(PRETRAINED_NETWORKS)} (ships trained)",
    )
    p.add_argument("--format", choices=list(FORMATS), required=True)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = open_trained(args.project)
    if project.weights is None:
        raise PlaygroundError(f"{args.project.name} has no trained weights: train it first")
    data = None
    if args.format == "python":
        check_python_export(project.build_trained_model())  # before loading its data set
        data = load_dataset(project.dataset)
    files = export_project(project, args.format, args.output, data)
    if args.json:
        print(json.dumps({"format": args.format, "files": [str(f) for f in files]}))
    else:
        for f in files:
            print(f"wrote {f}")
    return 0
