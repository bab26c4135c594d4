"""Hostile and broken files, made small: the limit tests and the fuzz test both use them."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

# EXIF whose orientation tag is a string: ImageOps.exif_transpose raises struct.error on it
BAD_EXIF = (
    b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x03\x01\x07\x00\x02\x00\x00\x00\x06\x00\x00\x002"
    b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x87i\x00\x04\x00\x00\x00\x01\x00\x00\x008"
    b"\x00\x00\x00\x00Canon\x00\x00\x01\x90\x03\x00\x02\x00\x00\x00\x14\x00\x00\x00J\x00\x00\x00"
    b"\x002020:01:01 00:00:00\x00"
)


def idx_bytes(code: int, dims: list[int], payload: bytes = b"", gz: bool = True) -> bytes:
    """An IDX file of type code declaring dims, followed by payload (maybe far too short)."""
    raw = bytes([0, 0, code, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims) + payload
    return gzip.compress(raw, mtime=0) if gz else raw


def write_idx_pair(folder: Path, images: bytes, labels: bytes) -> Path:
    """images and labels as MNIST-named files in folder; returns the images file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "t-labels-idx1-ubyte.gz").write_bytes(labels)
    path = folder / "t-images-idx3-ubyte.gz"
    path.write_bytes(images)
    return path


def digits_idx(n: int, labels: np.ndarray | None = None, label_code: int = 0x08) -> tuple:
    """(images, labels) IDX bytes for n random 8×8 images and the given labels."""
    rng = np.random.default_rng(0)
    images = idx_bytes(0x08, [n, 8, 8], rng.integers(0, 255, n * 64, dtype=np.uint8).tobytes())
    if labels is None:
        labels = np.arange(n) % 2
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0D: ">f4"}[label_code]
    return images, idx_bytes(label_code, [n], np.asarray(labels).astype(dtype).tobytes())


def huge_png(path: Path, width: int, height: int) -> None:
    """A gray PNG of width×height zeros: a few hundred KB on disk, its size in bytes decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    z = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
    path.write_bytes(png + chunk(b"IEND", b""))


def bad_exif_jpeg(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> None:
    Image.new("RGB", (24, 24), colour).save(path, "JPEG", exif=BAD_EXIF)


def lab_tiff(path: Path) -> None:
    Image.new("LAB", (16, 16), (128, 128, 128)).save(path, "TIFF")  # a middle gray


def deep_gray_png(path: Path) -> None:
    """A 16-bit gray PNG (mode I;16), which Pillow cannot resize as it is."""
    a = (np.arange(24 * 24, dtype=np.uint16).reshape(24, 24) * 97).astype(np.uint16)
    Image.fromarray(a).save(path)


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def project_bomb(
    declared: int | None = None, member: str = "project.json", blocks: int = 30
) -> bytes:
    """A 2 MB project whose member inflates to blocks × 64 MB (1.9 GB); its header declares
    that size, or declared bytes (a lie). One compressed block, repeated: made in a moment."""
    block = 64 << 20
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = co.compress(b" " * block) + co.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, no history
    data = chunk * blocks + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    size = blocks * block if declared is None else declared
    name = member.encode()
    crc = 0  # never reached: the reader stops long before the end
    sizes = (crc, len(data), size, len(name), 0)  # and the extra field's length
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, *sizes)
    central_head = (0x02014B50, 20, 20, 0, 8, 0, 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", *central_head, *sizes, 0, 0, 0, 0, 0)
    offset = len(local) + len(name) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), offset, 0)
    return local + name + data + central + name + end
