"""Run the `playground` command the way a user does, its exit code and output captured.

In this process: a new one imports torch again (seconds each on 2 cores) and proves nothing
more, since `python -m playground` only calls cli.main. Tests that need a real process (a
signal, a fresh import, a peak memory) start one themselves.
"""

from __future__ import annotations

import io
import subprocess
from contextlib import redirect_stderr, redirect_stdout

from playground.cli import main


def run_playground(*args: str) -> subprocess.CompletedProcess:
    """`playground ARGS` run in this process, as `python -m playground` runs it."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's usage errors and --help, as the process exits
            code = _exit_code(e.code, err)
    return subprocess.CompletedProcess(["playground", *args], code, out.getvalue(), err.getvalue())


def _exit_code(code: object, err: io.StringIO) -> int:
    """The process's exit status for SystemExit(code), as the interpreter sets it."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=err)
    return 1
