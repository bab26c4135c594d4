"""The `playground` command: the GUI by default, plus headless sub-commands."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from playground.core.errors import PlaygroundError

INTERRUPTED = 130  # the shell's code for a program ended by Ctrl-C
# each sub-command and its module in playground.commands, one a line
COMMANDS = {
    "train": "train",
    "lr-find": "lr_find",
    "classify": "classify",
    "explain": "explain",
    "export": "export",
    "embed": "embed",
    "sweep": "sweep",
    "bench": "bench",
    "summary": "summary",
    "import": "import_model",
    "challenge": "challenge",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        return _gui(argv)
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except PlaygroundError as e:
        return _fail(str(e), args)
    except KeyboardInterrupt:
        return _fail("interrupted", args)


def _fail(message: str, args: argparse.Namespace) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"error": message}))
    print(f"playground: error: {message}", file=sys.stderr)
    return 1


def _gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="playground",
        description="Neural Playground. Sub-commands: "
        + ", ".join(COMMANDS)
        + " (playground COMMAND --help).",
    )
    parser.add_argument("project", nargs="?", help="a .playground project to open")
    args = parser.parse_args(argv)
    try:
        from playground.ui.app import run_app  # Qt is loaded only for the GUI

        return run_app(Path(args.project) if args.project else None)
    except KeyboardInterrupt:  # Ctrl-C while it starts, or once the window took it and closed
        print("playground: interrupted", file=sys.stderr)
        return INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playground")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS.values():
        importlib.import_module(f"playground.commands.{module}").add_parser(sub)
    return parser
