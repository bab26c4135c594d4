"""Networks that ship trained: each is a Project (spec, weights, class names, preprocessing)
made on request, and its name is accepted wherever a project file is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground.core.data.preprocess import IMAGENET_PREPROCESSING
from playground.core.data.ref import RESOURCES, DatasetRef
from playground.core.errors import WeightsError
from playground.core.io.project import Project, load_project
from playground.core.model.efficientnet import (
    IMAGENET_CLASSES,
    lite0_spec,
    load_weights,
)

IMAGENET = "imagenet"
IMAGENET_CLASS_FILE = RESOURCES / "imagenet-classes.txt"


def imagenet_class_names() -> list[str]:
    """The 1,000 ImageNet class names in the order of the network's outputs."""
    try:
        names = IMAGENET_CLASS_FILE.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise WeightsError(f"cannot read the ImageNet class names: {e.strerror or e}") from None
    if len(names) != IMAGENET_CLASSES:
        raise WeightsError(f"{IMAGENET_CLASS_FILE.name} should name 1000 classes, not {len(names)}")
    return names


def imagenet_classifier() -> Project:
    """EfficientNet-Lite0 trained on ImageNet, ready to classify photos (~75 % top-1)."""
    return Project(
        spec=lite0_spec(),
        dataset=DatasetRef(IMAGENET),
        class_names=imagenet_class_names(),
        preprocessing=IMAGENET_PREPROCESSING,
        weights=load_weights(),
    )


PRETRAINED_NETWORKS: dict[str, tuple[str, Callable[[], Project]]] = {
    IMAGENET: ("ImageNet classifier (EfficientNet-Lite0)", imagenet_classifier),
}


def open_trained(source: str | Path) -> Project:
    """The project file at source or, where there is no such file, the trained network of
    that name."""
    if str(source) in PRETRAINED_NETWORKS and not Path(source).is_file():
        return PRETRAINED_NETWORKS[str(source)][1]()
    return load_project(source)
