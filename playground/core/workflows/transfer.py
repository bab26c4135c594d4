"""Transfer learning: EfficientNet-Lite0's ImageNet features, frozen, and a new classifier
trained on a photo folder. The folder's features are computed once and cached, so training the
classifier takes seconds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

from playground.core.data.augmentation import CACHE_EXCLUDES_AUGMENTATION, AugmentationError
from playground.core.data.dataset import Dataset, apply_normalisation, make_dataset
from playground.core.data.folder import Picture, Progress, load_folder
from playground.core.data.preprocess import (
    CROP_FRACTION,
    IMAGENET_PREPROCESSING,
    decode_side,
    preprocess,
)
from playground.core.data.ref import photo_folder
from playground.core.errors import DatasetError
from playground.core.io.project import Project
from playground.core.io.trained import familiarity_of
from playground.core.model.backbone import head_model, head_spec, head_weights, whole_weights
from playground.core.model.build import backbone_module
from playground.core.model.efficientnet import (
    FEATURES,
    INPUT_SHAPE,
    WEIGHTS_FILE,
)
from playground.core.model.presets import preset
from playground.core.model.spec import NetworkSpec
from playground.core.training.callbacks import Callback
from playground.core.training.config import TrainConfig
from playground.core.training.events import Sink
from playground.core.training.features import FeatureCache, Features, default_cache_dir, folder_key
from playground.core.training.history import History
from playground.core.training.trainer import Trainer

TRANSFER = "transfer"
# what turns the files into features: a change to any of it must miss the cache
DECODE_SIDE = decode_side(IMAGENET_PREPROCESSING)
READER = f"{WEIGHTS_FILE} {IMAGENET_PREPROCESSING} crop {CROP_FRACTION} decode {DECODE_SIDE}"


def feature_reader(model: nn.Module) -> Picture:
    """For load_folder: a photo → model's features of it (FEATURES×1×1), read one at a time so
    that no folder's pixels ever need to fit in memory together (and one photo at a time is
    no slower: ~21 ms each on 2 cores, where batches of 16 took 45 ms a photo)."""

    @torch.no_grad()
    def read(img: Image.Image) -> np.ndarray:
        pixels = torch.from_numpy(preprocess(img, IMAGENET_PREPROCESSING))
        x = apply_normalisation(pixels, IMAGENET_PREPROCESSING)[None]
        return model(x)[0, :, None, None].numpy()

    return read


def photo_features(root: Path, cache: FeatureCache, progress: Progress | None = None) -> Features:
    """The frozen layers' features of every readable photo in an image folder, from the cache
    when this folder's files were seen before."""
    if not root.is_dir():
        raise DatasetError(
            f"transfer learning needs a folder of photos, one sub-folder per class: {root} is "
            "not a folder"
        )

    def compute() -> Features:
        read = feature_reader(backbone_module())
        # a photo's features take ~30 ms: the progress moves every few photos
        x, y, names, skipped = load_folder(root, 1, FEATURES, progress, read, DECODE_SIDE, 4)
        return Features(
            torch.from_numpy(x.reshape(len(x), FEATURES)), torch.from_numpy(y), names, skipped
        )

    return cache.get(folder_key(root, READER), compute)


def refuse_augmentation(config: TrainConfig) -> None:
    """AugmentationError when config asks for augmentation: the features are cached once."""
    if config.augmentation.active:
        raise AugmentationError(CACHE_EXCLUDES_AUGMENTATION)


def folder_features(root: Path, cache: FeatureCache, progress: Progress | None = None) -> Dataset:
    """The frozen layers' features of the photos in root as a data set (see photo_features)."""
    return feature_dataset(root, photo_features(root, cache, progress))


def head_trainer(
    spec: NetworkSpec,
    features: Dataset,
    config: TrainConfig,
    sink: Sink | None = None,
    weights: dict[str, torch.Tensor] | None = None,
    history: History | None = None,
    callbacks: Sequence[Callback] = (),
) -> Trainer:
    """A Trainer of the layers after spec's frozen backbone, on its features; weights: the
    whole network's, to train further."""
    refuse_augmentation(config)
    model = head_model(spec, features.num_classes)
    if weights is not None:
        model.load_state_dict(head_weights(weights))
    return Trainer(head_spec(spec), features, config, sink, model, history, callbacks=callbacks)


@dataclass(frozen=True)
class Transfer:
    """The transfer preset trained on a photo folder's cached features."""

    spec: NetworkSpec  # the whole network: the frozen backbone and the classifier
    trainer: Trainer  # trains the classifier on the features

    def project(self) -> Project:
        """The whole network, frozen layers and trained classifier, ready to classify photos."""
        t = self.trainer
        head = {k: v.detach().cpu() for k, v in t.model.state_dict().items()}
        return Project(
            self.spec,
            t.data.ref,
            t.config,
            t.data.class_names,
            IMAGENET_PREPROCESSING,
            whole_weights(head),
            t.history,
            familiarity=familiarity_of(t),
        )


def prepare_transfer(
    root: str | Path,
    config: TrainConfig,
    sink: Sink | None = None,
    cache: FeatureCache | None = None,
    progress: Progress | None = None,
) -> Transfer:
    """The transfer preset's classifier, ready to train on the features of root's photos
    (computed now, or read from the cache)."""
    refuse_augmentation(config)
    root = Path(root).expanduser()
    data = folder_features(root, cache or FeatureCache(default_cache_dir()), progress)
    spec = preset(TRANSFER, INPUT_SHAPE, data.num_classes)
    return Transfer(spec, head_trainer(spec, data, config, sink))


def feature_dataset(root: Path, f: Features) -> Dataset:
    """The features of a photo folder as a data set, split as the folder's photos are (seed 0,
    the same order), kept as they come: standardising them would blow up the ones that
    happen to be constant on the training photos."""
    raw = ((0.0,) * FEATURES, (1.0,) * FEATURES)
    ref = photo_folder(root)
    names = f.class_names
    return make_dataset(
        root.name, ref, f.vectors, f.labels, names, "points", 0, skipped=f.skipped, stats=raw
    )
