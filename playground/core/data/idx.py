"""Read and write the IDX format of MNIST and Fashion-MNIST (gzipped or not)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from playground.core.errors import DatasetError

_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype("uint8"): 0x08}


def read_idx(path: str | Path) -> np.ndarray:
    """The array stored in an IDX file; DatasetError if it is not one or is truncated."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DatasetError(f"cannot read {path.name}: {e}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _DTYPES:
        raise DatasetError(f"{path.name} is not an IDX file")
    dtype = np.dtype(_DTYPES[raw[2]])
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetError(f"{path.name} is truncated")
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    count = int(np.prod(dims)) if dims else 0
    if len(raw) < header + count * dtype.itemsize:
        raise DatasetError(f"{path.name} is truncated (expected {dims} values)")
    data = np.frombuffer(raw, dtype, count, offset=header)
    return data.reshape(dims).astype(dtype.newbyteorder("="))


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
