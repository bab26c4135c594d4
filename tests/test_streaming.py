"""An image folder larger than the memory budget streams from disk through a DataLoader."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from stripes import write_stripes

from playground.core.data import registry
from playground.core.data.ref import DatasetRef
from playground.core.data.stream import ImageFiles
from playground.core.errors import PlaygroundError
from playground.core.io.export import export_project
from playground.core.io.trained import trained_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer


def test_a_folder_over_the_budget_streams_and_trains(tmp_path, monkeypatch):
    write_stripes(tmp_path / "stripes")
    ref = DatasetRef(str(tmp_path / "stripes"), {"size": 16})
    in_memory = registry.load_dataset(ref)
    monkeypatch.setattr(registry, "MEMORY_BUDGET", 16 * 16 * 3 * 4 * 10)  # 10 images
    streamed = registry.load_dataset(ref)
    assert isinstance(streamed.x_train, ImageFiles) and isinstance(streamed.x_val, ImageFiles)
    assert streamed.input_shape == in_memory.input_shape == (3, 16, 16)
    # the same split, the same normalisation: the same inputs
    assert torch.equal(streamed.y_val, in_memory.y_val)
    assert torch.allclose(streamed.x_val[:5], in_memory.x_val[:5], atol=1e-5)
    for stat in ("mean", "std"):
        assert np.allclose(
            getattr(streamed.preprocessing, stat), getattr(in_memory.preprocessing, stat)
        )

    spec = preset("mlp", streamed.input_shape, 2)
    trainer = Trainer(spec, streamed, TrainConfig(epochs=3, batch_size=16, lr=0.003))
    assert trainer.run().status == "completed"
    assert trainer.history.epochs[-1].val_accuracy >= 0.9
    with pytest.raises(PlaygroundError, match="export ddp instead"):  # it bundles the data
        export_project(trained_project(trainer), "python", tmp_path / "net.py", streamed)
