"""Read and write the IDX format of MNIST and Fashion-MNIST (gzipped or not)."""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from playground.core.errors import DatasetError
from playground.core.limits import MAX_DATASET_BYTES, check_inflation, check_not_special

_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype("uint8"): 0x08}
MAX_IDX_VALUES = MAX_DATASET_BYTES // 4  # each value becomes a float32


def read_idx(path: str | Path) -> np.ndarray:
    """The array stored in an IDX file; DatasetError if it is not one, is truncated or declares
    more values than MAX_IDX_VALUES (checked from the header, before anything is allocated)."""
    path = Path(path)
    check_not_special(path, DatasetError)
    try:
        with open(path, "rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
        # a gzipped file is read as a stream: never more than its header says it holds
        packed = path.stat().st_size if gzipped else None
        with (gzip.open if gzipped else open)(path, "rb") as f:
            return _read_stream(f, path.name, packed)
    except (OSError, EOFError, zlib.error) as e:
        raise DatasetError(f"cannot read {path.name}: {e}") from None


def _read_stream(f: BinaryIO, name: str, packed: int | None) -> np.ndarray:
    """The array in f; packed, for a compressed file, is its size on disk."""
    magic = f.read(4)
    if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _DTYPES:
        raise DatasetError(f"{name} is not an IDX file")
    dtype = np.dtype(_DTYPES[magic[2]])
    ndim = magic[3]
    if ndim == 0:  # a single number, not a list of samples: nothing to train on
        raise DatasetError(f"{name} declares no dimensions: an IDX data file lists samples")
    head = f.read(4 * ndim)
    if len(head) < 4 * ndim:
        raise DatasetError(f"{name} is truncated")
    dims = [int.from_bytes(head[4 * i : 4 * i + 4], "big") for i in range(ndim)]
    count = math.prod(dims)
    if count > MAX_IDX_VALUES:
        raise DatasetError(
            f"{name} declares {'×'.join(map(str, dims))} = {count:,} values, more than the "
            f"{MAX_IDX_VALUES:,} Neural Playground loads: use a smaller part of the data"
        )
    if packed is not None:
        check_inflation(packed, count * dtype.itemsize, name, DatasetError)
    data = f.read(count * dtype.itemsize)
    if len(data) < count * dtype.itemsize:
        raise DatasetError(f"{name} is truncated (expected {dims} values)")
    return np.frombuffer(data, dtype, count).reshape(dims).astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray, compress: bool = True) -> None:
    """Write a uint8 array as IDX (gzipped when compress is true)."""
    array = np.ascontiguousarray(array)
    header = bytes([0, 0, _CODES[array.dtype], array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    payload = header + array.tobytes()
    data = gzip.compress(payload, mtime=0) if compress else payload
    Path(path).write_bytes(data)


def find_idx_pair(path: str | Path) -> tuple[Path, Path]:
    """The (images, labels) files for a folder of IDX files or an images file beside its labels."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if "idx" in p.name)
        images = [p for p in files if "idx3" in p.name and "t10k" not in p.name]
        images = images or [p for p in files if "idx3" in p.name]
        if not images:
            raise DatasetError(f"no IDX image file (…-idx3-ubyte) in {path}")
        path = images[0]
    labels = path.with_name(path.name.replace("images", "labels").replace("idx3", "idx1"))
    if labels == path or not labels.exists():
        raise DatasetError(f"no labels file beside {path.name} (expected {labels.name})")
    return path, labels
