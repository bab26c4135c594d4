"""Where the app keeps what it can make again: the user's cache folder."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir(kind: str) -> Path:
    """PLAYGROUND_HOME/kind when that is set (tests), else kind in the user's cache folder."""
    home = os.environ.get("PLAYGROUND_HOME")
    if home:
        return Path(home) / kind
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "neural-playground" / kind
