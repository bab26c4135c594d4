"""Limits on everything read from a user's files and arguments, and the readers that keep them.

Every reader checks sizes before it allocates, so a small hostile file cannot make the process
take gigabytes, and refuses with one sentence that names the file or field and the fix.
"""

from __future__ import annotations

import json
import math
import reprlib
from pathlib import Path
from typing import IO, Any

from playground.core.errors import PlaygroundError

MiB = 1 << 20

MAX_JSON_DEPTH = 32  # a spec or project nests 4 deep; far deeper is an attack or an accident
MAX_SPEC_BYTES = 4 * MiB
MAX_PROJECT_JSON_BYTES = 16 * MiB
MAX_HISTORY_BYTES = 64 * MiB  # 4,096 step points and up to 100,000 epochs
MAX_WEIGHTS_BYTES = 1024 * MiB
MAX_RUNS = 100  # training runs kept in a project; the oldest go first
MAX_RUNS_JSON_BYTES = 16 * MiB  # 100 runs of 256 step points and 1,000 epochs each
MAX_DEVICE_NAME = 200  # characters
MAX_LAYERS = 1000
MAX_PARAMS = 30_000_000  # 120 MB of float32 weights, ×4 with gradients and Adam's moments
MAX_ACTIVATIONS = 16_000_000  # values one sample makes across all layers (64 MB of float32)
MAX_BATCH_BYTES = 4096 * MiB  # a training batch's activations, kept for the backward pass
MAX_INPUT_VALUES = 16_000_000  # one input sample (a 2,300×2,300 RGB image)
MAX_DATASET_BYTES = 1024 * MiB  # float32 tensors of a whole data set in memory
MAX_CLASSES = 10_000
MAX_CLASS_NAME = 200  # characters
MAX_IMAGE_PIXELS = 40_000_000  # decoded, after any reduced-size decoding
MAX_SEED = 2**63 - 1
MAX_INFLATION = 100  # real data compresses ~5×; a compression bomb ~1,000×
MAX_TABLE_BYTES = 200 * MiB  # a CSV/TSV file, checked before reading
MAX_KEPT_TABLE_BYTES = 64 * MiB  # a table a project keeps inside it; larger ones keep the path
MAX_TABLE_ROWS = 1_000_000
MAX_TABLE_COLUMNS = 1_000
MAX_CELL = 200  # characters of one table cell or column name
MAX_CATEGORIES = 100  # different values of a categorical input, each one input when one-hot


_BRIEF = reprlib.Repr()  # a hostile value is quoted in a message, never in full
_BRIEF.maxstring = _BRIEF.maxother = _BRIEF.maxlong = 40


def brief(value: Any) -> str:
    """repr(value) cut to about 40 characters, for quoting a user's value in a message."""
    return _BRIEF.repr(value)


class LimitError(PlaygroundError):
    """Input beyond a limit, or of the wrong kind: the message names it and the fix."""


def mib(n: int) -> str:
    """A byte count for people: '16 MB'."""
    return f"{n / MiB:,.0f} MB"


def check_not_special(path: Path, error: type[PlaygroundError] = LimitError) -> None:
    """error if path exists but is neither a file nor a folder: reading a pipe would wait
    forever and a device may never end."""
    if path.exists() and not path.is_file() and not path.is_dir():
        raise error(f"{path.name} is not a file (a pipe or a device?): give a regular file")


def check_inflation(
    packed: int, unpacked: int, what: str, error: type[PlaygroundError] = LimitError
) -> None:
    """error if unpacked bytes are more than MAX_INFLATION times packed ones (and over 1 MB):
    a small file must not take gigabytes however plausible the size it declares."""
    if unpacked > MiB + MAX_INFLATION * packed:
        raise error(
            f"{what} would inflate from {packed:,} bytes to {mib(unpacked)}, "
            f"{unpacked // max(packed, 1):,} times: it is not a real data file"
        )


def read_limited(
    stream: IO[bytes], limit: int, what: str, error: type[PlaygroundError] = LimitError
) -> bytes:
    """All of stream, or error once it passes limit bytes (a decompressing stream stops there)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise error(f"{what} is larger than {mib(limit)}, the most Neural Playground reads")
    return data


def parse_json(
    raw: bytes, what: str, error: type[PlaygroundError] = LimitError, finite: bool = True
) -> Any:
    """JSON nested at most MAX_JSON_DEPTH levels, with finite numbers only unless finite is
    false (a record of metrics may hold NaN); error if not."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{what} is not text (not UTF-8)") from None
    try:
        checks = {"parse_constant": _no_constant, "parse_float": _finite_float} if finite else {}
        data = json.loads(text, **checks)
    except RecursionError:
        raise error(_too_deep(what)) from None
    except ValueError as e:  # JSONDecodeError, and ints of more than 4,300 digits
        raise error(f"{what} is not valid JSON ({e})") from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise error(_too_deep(what))
    return data


def _too_deep(what: str) -> str:
    return f"{what} nests deeper than {MAX_JSON_DEPTH} levels: it is not a file this app wrote"


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows; use a finite number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number; use a finite number")
    return value


def json_depth(value: Any) -> int:
    """How many levels of lists and dicts value nests (a scalar is 0), counted level by level so
    that no recursion can overflow; stops counting past MAX_JSON_DEPTH."""
    depth, level = 0, [value]
    while True:
        containers = [v for v in level if isinstance(v, dict | list)]
        if not containers or depth > MAX_JSON_DEPTH:
            return depth
        depth += 1
        level = [c for v in containers for c in (v.values() if isinstance(v, dict) else v)]


def finite_number(value: Any, field: str, low: float, high: float, whole: bool = False) -> float:
    """value as a number within [low, high] (a whole one if whole); LimitError naming field."""
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LimitError(f"{field} must be {kind} from {low:g} to {high:g}, not {brief(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise LimitError(f"{field} must be a finite number, not {value}")
    if whole and isinstance(value, float) and not value.is_integer():
        raise LimitError(f"{field} must be a whole number, not {value}")
    if not low <= value <= high:
        shown = value if abs(value) < 1e15 else "a number far outside that range"
        raise LimitError(f"{field} must be from {low:g} to {high:g}, not {shown}")
    return int(value) if whole else float(value)
