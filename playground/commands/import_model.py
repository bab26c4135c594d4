"""`playground import FILE.py:CLASS|FILE.onnx [--input-shape C,H,W] -o PROJECT`: a model
written in PyTorch (traced with torch.fx) or saved as ONNX, as a project of catalog nodes with
its weights."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playground.core.data.ref import DatasetRef
from playground.core.errors import PlaygroundError
from playground.core.io.model_import import import_model, parse_shape
from playground.core.io.project import SUFFIX, save_project
from playground.core.model.summary import summarize


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="bring a PyTorch module or an ONNX model in as a project")
    p.add_argument("model", help="FILE.py:CLASS (built with no arguments) or FILE.onnx")
    p.add_argument(
        "--input-shape",
        help="C,H,W or FEATURES of one sample (needed for a .py module; ONNX files say theirs)",
    )
    p.add_argument(
        "--dataset", default="mnist5k", help="the data set the project trains on (default mnist5k)"
    )
    p.add_argument("-o", "--output", type=Path, required=True, help=f"the {SUFFIX} to write")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.output.suffix != SUFFIX:
        raise PlaygroundError(f"the output must be a {SUFFIX} file, not {args.output.name}")
    shape = parse_shape(args.input_shape) if args.input_shape else None
    project = import_model(args.model, shape, DatasetRef(args.dataset))
    save_project(args.output, project)
    spec, total = project.spec, summarize(project.spec).total_params
    if args.json:
        report = {"output": str(args.output), "graph": spec.is_graph, "nodes": len(spec.layers)}
        print(json.dumps(report | {"total_params": total}))
    else:
        kind = "a graph" if spec.is_graph else "a stack"
        print(f"wrote {args.output}: {kind} of {len(spec.layers)} nodes, {total:,} parameters")
    return 0
