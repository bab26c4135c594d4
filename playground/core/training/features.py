"""A frozen network's features of a data set, computed once: kept in memory and on disk, keyed
by everything that went in (the files' bytes and the network that read them)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from playground.core.cache import user_cache_dir

FORMAT = "playground.features.1"


@dataclass(frozen=True)
class Features:
    """One feature vector per readable sample, its label, the class names and skipped files."""

    vectors: torch.Tensor  # (N, F) float32
    labels: torch.Tensor  # (N,) int64
    class_names: list[str]
    skipped: tuple[str, ...] = ()


def default_cache_dir() -> Path:
    """PLAYGROUND_HOME/features when that is set (tests), else the user's cache folder."""
    return user_cache_dir("features")


def folder_key(root: Path, reader: str) -> str:
    """A digest of every file under root (relative path and bytes) and of what reads them."""
    digest = hashlib.blake2b(f"{FORMAT}\0{reader}\0".encode(), digest_size=20)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(root).as_posix()}\0{path.stat().st_size}\0".encode())
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


class FeatureCache:
    """Features by key: from memory, else from directory, else computed and written there."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._memory: dict[str, Features] = {}

    def get(self, key: str, compute: Callable[[], Features]) -> Features:
        found = self._memory.get(key) or self._read(key)
        if found is None:
            found = compute()
            self._write(key, found)
        self._memory[key] = found
        return found

    def _path(self, key: str) -> Path | None:
        return self.directory / f"{key}.safetensors" if self.directory else None

    def _read(self, key: str) -> Features | None:
        """The stored features, or None when absent or unreadable (they are computed anew)."""
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            with safe_open(str(path), framework="pt") as f:
                meta = f.metadata() or {}
                vectors, labels = f.get_tensor("vectors"), f.get_tensor("labels")
            names, skipped = json.loads(meta["class_names"]), json.loads(meta["skipped"])
        except (SafetensorError, OSError, KeyError, ValueError):
            return None
        if len(vectors) != len(labels) or vectors.ndim != 2:
            return None
        return Features(vectors, labels, [str(n) for n in names], tuple(map(str, skipped)))

    def _write(self, key: str, features: Features) -> None:
        """Store atomically; a cache that cannot be written only costs the next run time."""
        path = self._path(key)
        if path is None:
            return
        meta = {
            "format": FORMAT,
            "class_names": json.dumps(features.class_names),
            "skipped": json.dumps(list(features.skipped)),
        }
        tensors = {"vectors": features.vectors.contiguous(), "labels": features.labels}
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".features.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            save_file(tensors, tmp, metadata=meta)
            os.replace(tmp, path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
