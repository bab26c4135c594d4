"""Early stopping on the validation loss, and the best epoch's weights kept and restored."""

import pytest
import torch

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def noisy_xor():
    return load_dataset(DatasetRef("xor", {"samples": 200, "noise": 0.5}), seed=0)


def _trainer(data, **config):
    spec = preset("mlp", data.input_shape, data.num_classes)
    return Trainer(spec, data, TrainConfig(batch_size=32, **config))


def test_patience_stops_when_validation_loss_stalls_and_best_weights_come_back(noisy_xor):
    t = _trainer(noisy_xor, epochs=300, lr=0.03, patience=3)
    finished = t.run()
    epochs = t.history.epochs
    assert finished.status == "completed" and "Stopped early" in finished.message
    assert finished.epochs_done < 300
    best = t.best
    assert best.val_loss == min(e.val_loss for e in epochs)
    assert best.epoch == epochs[-1].epoch - 3  # three epochs without improvement, then stop
    assert all(e.val_loss >= best.val_loss for e in epochs[-3:])
    assert all(v.device.type == "cpu" for v in t.best_weights().values())
    restored = t.restore_best()
    assert restored == best
    val_loss, _ = t.evaluate(t.data.x_val, t.data.y_val)
    assert val_loss == pytest.approx(best.val_loss, rel=1e-5)
    for k, v in t.weights().items():  # what classify and save read is the best epoch's too
        assert torch.equal(v.cpu(), t.best_weights()[k])


def test_no_patience_trains_every_epoch_and_still_keeps_the_best(noisy_xor):
    t = _trainer(noisy_xor, epochs=4, lr=0.01)
    with pytest.raises(PlaygroundError, match="no best weights"):
        t.restore_best()
    assert t.run().epochs_done == 4
    assert t.best.val_loss == min(e.val_loss for e in t.history.epochs)


def test_patience_is_checked():
    with pytest.raises(PlaygroundError, match="patience"):
        TrainConfig(patience=-1)
