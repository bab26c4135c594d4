"""Transfer learning: EfficientNet-Lite0's ImageNet features, frozen, and a new classifier
trained on a photo folder. The folder's features are computed once and cached, so training the
classifier takes seconds."""

from __future__ import annotations

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
from playground.core.model.backbone import head_model, head_spec, whole_weights
from playground.core.model.build import backbone_module
from playground.core.model.efficientnet import (
    FEATURES,
    INPUT_SHAPE,
    WEIGHTS_FILE,
)
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.events import Finished
from playground.core.training.features import FeatureCache, Features, default_cache_dir, folder_key
from playground.core.training.history import History
from playground.core.training.trainer import Sink, Trainer

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


class TransferTrainer:
    """Trains the transfer preset's classifier on a photo folder's cached features (the
    backbone never changes); run, stop and history as a Trainer's, project() the whole
    network."""

    def __init__(
        self,
        root: str | Path,
        config: TrainConfig,
        sink: Sink | None = None,
        cache: FeatureCache | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.root, self.config = Path(root).expanduser(), config
        if config.augmentation.active:
            raise AugmentationError(CACHE_EXCLUDES_AUGMENTATION)
        cache = cache or FeatureCache(default_cache_dir())
        f = photo_features(self.root, cache, progress)
        self.data = feature_dataset(self.root, f)
        self.spec = preset(TRANSFER, INPUT_SHAPE, len(f.class_names))
        model = head_model(self.spec, len(f.class_names))
        self.trainer = Trainer(head_spec(self.spec), self.data, config, sink, model)

    @property
    def device(self) -> torch.device:
        return self.trainer.device

    @property
    def history(self) -> History:
        return self.trainer.history

    def run(self) -> Finished:
        return self.trainer.run()

    def stop(self) -> None:
        self.trainer.stop()

    def project(self) -> Project:
        """The whole network, frozen layers and trained classifier, ready to classify photos."""
        head = {k: v.detach().cpu() for k, v in self.trainer.model.state_dict().items()}
        return Project(
            self.spec,
            self.data.ref,
            self.config,
            self.data.class_names,
            IMAGENET_PREPROCESSING,
            whole_weights(head),
            self.trainer.history,
            familiarity=self.trainer.familiarity(),
        )


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
