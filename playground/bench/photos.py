"""Photos and the pretrained network: `python -m playground.bench.photos [PER_CLASS]` prints, as
JSON, the ImageNet classifier's drop → top-5 bars latency in the window (CPU), the frozen
backbone's feature caching throughput, and a transfer learning run's time on 3 classes ×
PER_CLASS photos (20 unless given)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop

from playground.bench.gui import drop_latency
from playground.bench.shapes import make_photos
from playground.core.training.config import TrainConfig
from playground.core.training.device import set_torch_threads
from playground.core.training.features import FeatureCache
from playground.core.workflows.transfer import photo_features, prepare_transfer
from playground.ui.app import create_app

PER_CLASS = 20
PHOTO_SCALE = 5  # ~600×500 pixel JPEGs: decoding is part of what a photo costs
TRANSFER = TrainConfig(epochs=30, lr=3e-3, seed=1, device="cpu")


def imagenet_drop(photo: Path, repeats: int = 15) -> dict[str, float]:
    """Drop → top-5 bars for the ImageNet classifier opened in the window, on the CPU."""
    create_app()
    from playground.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.workspace.finish_startup()
    loop = QEventLoop()
    task = window.workspace.open_trained("imagenet")
    task.ended.connect(loop.quit)
    loop.exec()
    window.classify_view.classify_paths([photo])  # the first builds the network: not timed
    # each drop is timed on a quiet window: the explanations a drop starts behind the window
    # (tens of seconds of occlusion on this network) are cancelled before the next one
    latency = drop_latency(window, repeats, photo, window.workspace.tasks.cancel_all)
    assert len(window.classify_view.bars.rows) == 5, window.classify_view.message_text()
    window.workspace.files.dirty = False
    window.close()
    return latency


def feature_caching(root: Path) -> dict[str, float]:
    """The backbone's features of every photo, nothing cached, as the window's task runs it."""
    started = time.perf_counter()
    features = photo_features(root, FeatureCache(None))
    seconds = time.perf_counter() - started
    n = len(features.labels)
    return {"images": n, "s": seconds, "images_per_s": n / seconds}


def transfer_run(root: Path) -> dict[str, float]:
    """Transfer learning from the photos to a trained classifier: features, then the head."""
    started = time.perf_counter()
    trainer = prepare_transfer(root, TRANSFER, cache=FeatureCache(None)).trainer
    features_s = time.perf_counter() - started
    trainer.run()
    total_s = time.perf_counter() - started
    return {
        "epochs": TRANSFER.epochs,
        "features_s": features_s,
        "head_s": total_s - features_s,
        "total_s": total_s,
        "val_accuracy": trainer.history.epochs[-1].val_accuracy,
    }


def bench_photos(per_class: int = PER_CLASS) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_photos(Path(tmp) / "shapes", per_class, scale=PHOTO_SCALE)
        latency = imagenet_drop(root / "disks" / "0.jpg", 15 if per_class >= PER_CLASS else 3)
        set_torch_threads(1)  # as the window's task computes the features
        return {
            "imagenet_drop_to_bars_ms": latency,
            "feature_caching": feature_caching(root),
            "transfer": transfer_run(root),
        }


if __name__ == "__main__":
    print(json.dumps(bench_photos(*map(int, sys.argv[1:]))))
