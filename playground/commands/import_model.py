"""`playground import FILE.py:CLASS|FILE.onnx [--input-shape C,H,W] -o PROJECT`: a model
written in PyTorch (traced with torch.fx) or saved as ONNX, as a project of catalog nodes with
its weights."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from torch import nn

from playground.core.data.ref import DatasetRef
from playground.core.errors import PlaygroundError, SpecError
from playground.core.io.project import SUFFIX, Project, save_project
from playground.core.model.layers import Shape
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
    shape = _shape(args.input_shape) if args.input_shape else None
    if args.model.endswith(".onnx"):
        from playground.core.model.onnx_import import import_onnx

        spec, weights = import_onnx(Path(args.model), shape)
    else:
        from playground.core.model.trace import import_module

        if shape is None:
            raise PlaygroundError("give the input shape of one sample: --input-shape C,H,W")
        spec, weights = import_module(_module(args.model), shape)
    save_project(args.output, Project(spec, DatasetRef(args.dataset), weights=weights))
    summary = summarize(spec)
    if args.json:
        report = {"output": str(args.output), "graph": spec.is_graph, "nodes": len(spec.layers)}
        print(json.dumps(report | {"total_params": summary.total_params}))
    else:
        kind = "a graph" if spec.is_graph else "a stack"
        print(
            f"wrote {args.output}: {kind} of {len(spec.layers)} nodes, "
            f"{summary.total_params:,} parameters"
        )
    return 0


def _shape(text: str) -> Shape:
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        shape = ()
    if len(shape) not in (1, 3) or min(shape) < 1:
        raise SpecError(
            f"--input-shape must be C,H,W or FEATURES of positive whole numbers: {text}"
        )
    return shape


def _module(target: str) -> nn.Module:
    """The module class FILE.py:CLASS names, built with no arguments."""
    file, _, class_name = target.rpartition(":")
    path = Path(file)
    if not file or not class_name or path.suffix != ".py":
        raise PlaygroundError(f"name the module as FILE.py:CLASS, not {target}")
    if not path.is_file():
        raise PlaygroundError(f"there is no file {path}")
    spec = importlib.util.spec_from_file_location(f"imported_{path.stem}", path)
    code = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = code  # type: ignore[union-attr]
    try:
        spec.loader.exec_module(code)  # type: ignore[union-attr]
    except Exception as e:  # the user's file: whatever it raises, say it in one line
        raise PlaygroundError(f"{path.name} failed to run: {type(e).__name__}: {e}") from None
    cls = getattr(code, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise PlaygroundError(f"{path.name} has no nn.Module class named {class_name}")
    try:
        return cls()
    except TypeError as e:
        raise PlaygroundError(f"{class_name}() needs arguments: {e}") from None
