"""Run `playground` sub-commands in one process, as the fuzz test's child, and report each.

Usage: python fuzz_cli.py CASES.json. Each case is {"argv": [...]}; the report (JSON on stdout)
gives each case's exit code, its output, any exception that escaped the command (a traceback a
user would have seen), and the process's peak resident memory.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
import time
import traceback


def run_case(argv: list[str]) -> dict:
    from playground.cli import main

    out, err = io.StringIO(), io.StringIO()
    escaped = None
    began = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:  # argparse's usage errors: one line and exit code 2
            code = e.code if isinstance(e.code, int) else 2
        except BaseException:
            code = None
            escaped = traceback.format_exc()
    return {
        "argv": argv,
        "code": code,
        "output": out.getvalue() + err.getvalue(),
        "escaped": escaped,
        "seconds": time.perf_counter() - began,
    }


def _peak_mb() -> float:
    """This program's own peak resident memory. ru_maxrss is not it on Linux: it keeps the
    high-water mark from before exec, i.e. the forking parent's size (the test process, ~1 GB
    after the suite's earlier tests); /proc's VmHWM belongs to this program alone."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    results = [run_case(case["argv"]) for case in cases]
    peak_mb = _peak_mb()
    json.dump({"results": results, "peak_mb": peak_mb}, sys.__stdout__)


if __name__ == "__main__":
    main()
