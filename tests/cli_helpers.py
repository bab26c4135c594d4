"""Run the `playground` command the way a user does: a new process, its output captured."""

from __future__ import annotations

import subprocess
import sys


def run_playground(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "playground", *args], capture_output=True, text=True, timeout=timeout
    )
