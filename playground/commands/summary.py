"""`playground summary SPEC|PROJECT [--json]`: each node's shape, parameters and multiply-adds."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playground.core.io.pretrained import PRETRAINED_NETWORKS, open_trained
from playground.core.io.project import SUFFIX
from playground.core.model.layers import shape_text
from playground.core.model.presets import PRESETS, preset
from playground.core.model.spec import NetworkSpec
from playground.core.model.summary import NetworkSummary, summarize


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="a network's table: shapes, parameters, multiply-adds")
    p.add_argument(
        "network",
        help=f"a network JSON file, a {SUFFIX} project, a preset ({', '.join(PRESETS)}, on "
        f"MNIST's 1×28×28) or {', '.join(PRETRAINED_NETWORKS)}",
    )
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.set_defaults(run=run)


def network(text: str) -> NetworkSpec:
    """The spec text names: a preset, a network file, or a project's network."""
    if text in PRESETS and not Path(text).exists():
        return preset(text, (1, 28, 28), 10)
    if text.endswith(".json"):
        return NetworkSpec.load(text)
    return open_trained(text).spec


def run(args: argparse.Namespace) -> int:
    summary = summarize(network(args.network))
    if args.json:
        print(json.dumps(summary.to_dict()))
    else:
        print(table(summary))
    return 0 if summary.error is None else 1


def table(summary: NetworkSummary) -> str:
    """The summary as aligned text, a problem under the node it belongs to."""
    rows = [("node", "type", "output", "params", "mult-adds")]
    for n in summary.nodes:
        shape = shape_text(n.shape) if n.shape is not None else "—"
        rows.append((n.id, n.type, shape, f"{n.params:,}", f"{n.macs:,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(
            c.ljust(w) if i < 3 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    for i, n in enumerate(summary.nodes, start=1):
        if n.error:
            lines[i] += f"\n    ✗ {n.error}"
    lines.append(f"total: {summary.total_params:,} parameters, {summary.total_macs:,} mult-adds")
    if summary.error:
        lines.append(f"problem: {summary.error}")
    return "\n".join(lines)
