"""Give back to the system the memory that a replaced network's weights leave behind."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys


@functools.cache
def _trim():
    """glibc's malloc_trim, or None elsewhere (macOS, Windows, musl: they return it alone)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Return freed heap memory to the system. glibc keeps the freed blocks of large tensors
    in its heap: replacing the ImageNet network by a preset kept 10–20 MB more each time, of
    weights no longer alive; after this the process comes back to its size. Collects first:
    weights held in reference cycles are freed only then (a user's action; some ms)."""
    trim = _trim()
    if trim is not None:
        gc.collect()
        trim(0)
