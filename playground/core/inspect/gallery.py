"""Many images at once: each file classified, with a thumbnail, in a list that sorts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from playground.core.data.preprocess import open_photo
from playground.core.errors import PlaygroundError
from playground.core.inspect.inference import Classifier, Prediction, classify

THUMBNAIL = 112  # pixels, the longer side
MAX_FILES = 1000  # at once: more is a folder to train on, not a gallery to look at
ORDERS = ("class", "confidence", "strangeness", "name")


@dataclass(frozen=True)
class Classified:
    """One file's answer, or why there is none."""

    path: Path
    image: Image.Image | None = None  # decoded no larger than the network needs
    thumbnail: np.ndarray | None = None  # H×W×3 uint8
    prediction: Prediction | None = None
    error: str = ""

    @property
    def confidence(self) -> float:
        return self.prediction.top[0][1] if self.prediction else -1.0


def classify_files(
    classifier: Classifier,
    paths: list[Path],
    progress: Callable[[float, str], None] | None = None,
) -> list[Classified]:
    """Every file classified in turn; an unreadable one gets its reason instead. progress is
    called before each file (it may raise to cancel)."""
    if len(paths) > MAX_FILES:
        raise PlaygroundError(
            f"{len(paths):,} images at once is more than {MAX_FILES:,}: classify fewer, or "
            "train on them as an image folder"
        )
    model = classifier.model()
    results = []
    for i, path in enumerate(paths):
        if progress is not None:
            progress(i / len(paths), path.name)
        try:
            img = open_photo(path, classifier.pre)
            pred = classify(model, img, classifier.pre, classifier.names, 5, classifier.familiarity)
        except PlaygroundError as e:
            results.append(Classified(path, error=str(e)))
            continue
        thumb = img.convert("RGB")
        thumb.thumbnail((THUMBNAIL, THUMBNAIL), Image.Resampling.BILINEAR)
        results.append(Classified(path, img, np.asarray(thumb), pred))
    return results


def ordered(results: list[Classified], by: str) -> list[Classified]:
    """results sorted by top class (then confidence), confidence or strangeness (highest
    first) or file name; files without an answer last."""
    keys = {
        "class": lambda r: (r.prediction.top[0][0], -r.confidence),
        "confidence": lambda r: -r.confidence,
        "strangeness": lambda r: -(r.prediction.strangeness or 0.0),
        "name": lambda r: r.path.name.lower(),
    }
    answered = [r for r in results if r.prediction is not None]
    failed = [r for r in results if r.prediction is None]
    return sorted(answered, key=keys[by]) + sorted(failed, key=lambda r: r.path.name.lower())
