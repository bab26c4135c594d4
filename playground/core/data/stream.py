"""Image folders larger than the memory budget: their images are read from disk as training
goes, by a DataLoader's worker processes, instead of being held as one tensor."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader

from playground.core.data.folder import resized
from playground.core.data.imageio import ImageError, open_image
from playground.core.data.ref import Preprocessing

WORKERS = min(4, os.cpu_count() or 1)  # decoding processes while a run trains
STATS_SAMPLES = 1000  # images whose pixels give the normalisation's mean and std
CPU = torch.device("cpu")


@dataclass(frozen=True)
class ImageFiles(torch.utils.data.Dataset):
    """Stands in for an N×C×H×W tensor of normalised images: indexing it reads the files (a
    batch in threads). An image that cannot be read any more is blank."""

    files: tuple[Path, ...]
    size: int
    channels: int
    pre: Preprocessing | None = None  # None: raw [0, 1] pixels
    device: torch.device = CPU

    def __len__(self) -> int:
        return len(self.files)

    @property
    def shape(self) -> torch.Size:
        return torch.Size((len(self.files), self.channels, self.size, self.size))

    def to(self, device: torch.device | str) -> ImageFiles:
        return replace(self, device=torch.device(device))

    def part(self, index: slice) -> ImageFiles:
        """Those of the images index picks, still on disk."""
        return replace(self, files=self.files[index])

    def cpu(self) -> torch.Tensor:
        """Every image, read into memory: only for what needs them all at once."""
        return self.to("cpu")[torch.arange(len(self))]

    def picture(self, i: int) -> torch.Tensor:
        """Image i, normalised, on the CPU."""
        try:
            a = resized(open_image(self.files[i]), self.size, self.channels)
        except ImageError:
            a = np.zeros((self.channels, self.size, self.size), np.float32)
        x = torch.from_numpy(a)
        if self.pre is None:
            return x
        mean = torch.tensor(self.pre.mean).view(-1, 1, 1)
        std = torch.tensor(self.pre.std).view(-1, 1, 1)
        return (x - mean) / std

    def __getitem__(self, index: int | slice | torch.Tensor | Sequence[int]) -> torch.Tensor:
        if isinstance(index, int):
            return self.picture(index).to(self.device)
        if isinstance(index, slice):
            picks = range(len(self))[index]
        else:
            picks = torch.as_tensor(index).flatten().tolist()
        with ThreadPoolExecutor(WORKERS) as pool:  # Pillow decodes without holding the GIL
            images = list(pool.map(self.picture, picks))
        if not images:
            return torch.zeros(0, self.channels, self.size, self.size, device=self.device)
        return torch.stack(images).to(self.device)

    def batches(
        self, picks: list[torch.Tensor], labels: torch.Tensor
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """The batches of the indices in picks, with their labels, read ahead by WORKERS
        processes while the network trains on the one before."""
        sampler = [p.tolist() for p in picks]
        cuda = self.device.type == "cuda"
        loader = DataLoader(
            replace(self, device=CPU),
            batch_sampler=sampler,
            num_workers=WORKERS,
            collate_fn=torch.stack,
            pin_memory=cuda,
        )
        for picks, x in zip(sampler, loader, strict=True):
            idx = torch.tensor(picks, device=labels.device)
            yield x.to(self.device, non_blocking=cuda), labels[idx]


def pixel_stats(images: ImageFiles, seed: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Mean and std per channel of up to STATS_SAMPLES of the images, picked with seed."""
    g = torch.Generator().manual_seed(seed)
    picks = torch.randperm(len(images), generator=g)[:STATS_SAMPLES]
    x = images[picks]
    std = x.std(dim=(0, 2, 3)).clamp_min(1e-6)
    return tuple(x.mean(dim=(0, 2, 3)).tolist()), tuple(std.tolist())
