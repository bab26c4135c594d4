"""`playground embed PROJECT --dataset D --method pca|tsne|umap -o points.csv [--json]`."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from playground.commands.train import add_dataset_arguments, check_fits, dataset_ref
from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.inspect.embedding import METHODS, Embedding, check_method, embed
from playground.core.io.project import load_project


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "embed",
        help="place the validation samples in 2-D by what the last hidden layer makes of them",
        description="The input of the network's final Linear layer for each validation sample "
        "(the first 2,000), placed in a plane. The CSV has index, x, y, label, predicted, "
        "strangeness per sample.",
    )
    p.add_argument("project", type=Path, help="a trained .playground project")
    add_dataset_arguments(p)
    p.add_argument("--method", choices=METHODS, default="pca", help="default pca")
    p.add_argument("-o", "--output", type=Path, required=True, help="the CSV file to write")
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_method(args.method)  # before loading anything: umap-learn may be missing
    project = load_project(args.project)
    if project.weights is None:
        raise PlaygroundError(f"{args.project.name} has no trained weights: train it first")
    data = load_dataset(dataset_ref(args) if args.dataset else project.dataset)
    check_fits(project, str(args.project), data)
    points = embed(
        project.build_trained_model(), data.x_val, data.y_val, args.method, project.familiarity
    )
    write_csv(args.output, points, data.class_names)
    summary = {
        "method": args.method,
        "points": len(points.labels),
        "neighbour_agreement": points.neighbour_agreement(),
        "misclassified": int(points.misclassified.sum()),
        "strangers": int(points.strangers.sum()),
        "output": str(args.output),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"{summary['points']} points by {args.method} to {args.output}; a 5-nearest-neighbour "
            f"vote in the plane agrees with the label for {summary['neighbour_agreement']:.1%}",
            file=sys.stderr,
        )
    return 0


def write_csv(path: Path, points: Embedding, class_names: list[str]) -> None:
    strange = points.strangeness
    try:
        with open(path, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["index", "x", "y", "label", "predicted", "strangeness"])
            for i, (x, y) in enumerate(points.xy):
                out.writerow(
                    [
                        int(points.indices[i]),
                        f"{x:.6g}",
                        f"{y:.6g}",
                        class_names[points.labels[i]],
                        class_names[points.predicted[i]],
                        "" if strange is None else f"{strange[i]:.4g}",
                    ]
                )
    except OSError as e:
        raise PlaygroundError(f"cannot write {path}: {e.strerror}") from None
