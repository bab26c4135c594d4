"""Many photos at once: a drop of several files fills the gallery; strangers are flagged."""

import re

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, choose_in_combo, drop_files, drop_project, wait_for_tasks
from handwriting import photo_of_digit
from playground.bench.shapes import photo
from playground.core.data.dataset import denormalise


@pytest.fixture
def digits_window(window, digit_mlp, tmp_path, qtbot):
    drop_project(window, qtbot, digit_mlp[1], tmp_path)
    assert window.workspace.session.familiarity == digit_mlp[1].familiarity
    return window


def _noise(path, seed):
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (90, 120, 3), dtype=np.uint8)).save(path)
    return path


def _eight_photos(folder, mnist5k):
    """Six held-out digits (named by their labels), noise and a photo of stripes."""
    raw = denormalise(mnist5k.x_val[:6], mnist5k.preprocessing).clamp(0, 1).numpy()
    paths = []
    for i, (a, label) in enumerate(zip(raw, mnist5k.y_val[:6].tolist(), strict=True)):
        paths.append(folder / f"digit{i}-{label}.png")
        Image.fromarray((a[0] * 255).astype(np.uint8)).save(paths[-1])
    paths.append(_noise(folder / "noise.png", 1))
    paths.append(folder / "stripes.jpg")
    photo("stripes", np.random.default_rng(2)).save(paths[-1])
    return paths


def _confidences(captions):
    return [int(re.search(r"(\d+)%", c).group(1)) for c in captions]


def test_drop_eight_photos_sort_and_click_one(digits_window, mnist5k, tmp_path, qtbot):
    w = digits_window
    drop_files(w, _eight_photos(tmp_path, mnist5k))
    gallery = w.views.gallery
    assert w.views.currentWidget() is gallery
    qtbot.waitUntil(lambda: gallery.list.count() == 8, timeout=20_000)
    captions = gallery.captions()
    by_name = {c.split("\n")[1]: c for c in captions}
    assert by_name["noise.png"].startswith("⚠ ")
    digits = [(c, name) for name, c in by_name.items() if name.startswith("digit")]
    assert sum(not c.startswith("⚠") for c, _ in digits) >= 5
    assert sum(c.split(" ·")[0] == name[-5] for c, name in digits) >= 5  # their labels
    assert "8 images" in gallery.summary.text() and "look nothing like" in gallery.summary.text()
    assert not gallery.list.item(0).icon().isNull()

    choose_in_combo(gallery.order, "confidence")
    shown = _confidences(gallery.captions())
    assert shown == sorted(shown, reverse=True)
    choose_in_combo(gallery.order, "class")
    classes = [c.removeprefix("⚠ ").split(" ·")[0] for c in gallery.captions()]
    assert classes == sorted(classes)

    row = next(i for i, c in enumerate(gallery.captions()) if c.endswith("noise.png"))
    rect = gallery.list.visualItemRect(gallery.list.item(row))
    QTest.mouseClick(gallery.list.viewport(), LEFT, NO_MOD, rect.center())
    view = w.classify_view
    assert w.views.currentWidget() is view
    assert "noise.png: the network says" in view.message_text()
    assert len(view.bars.rows) == 5 and not view.original.pixmap().isNull()
    assert view.stranger.isVisible()
    assert "looks nothing like the handwritten digits" in view.stranger.text()


def test_one_stranger_is_flagged_in_the_classify_view(digits_window, tmp_path):
    w = digits_window
    drop_files(w, [_noise(tmp_path / "noise.png", 3)])
    view = w.classify_view
    assert view.stranger.isVisible() and "its answer means little" in view.stranger.text()
    photo_of_digit(7, 5).save(tmp_path / "seven.png")
    drop_files(w, [tmp_path / "seven.png"])
    assert "the network says 7" in view.message_text() and not view.stranger.isVisible()


def test_several_files_before_training_say_why_in_the_gallery(window, tmp_path):
    paths = [_noise(tmp_path / f"n{i}.png", i) for i in range(2)]
    drop_files(window, paths)
    gallery = window.views.gallery
    assert window.views.currentWidget() is gallery
    assert "Train the network first" in gallery.summary.text() and gallery.list.count() == 0


def test_a_run_in_the_window_calibrates_the_warning(window, tmp_path, qtbot):
    window.findChild(QAction, "preset-mlp").trigger()
    window.training.epochs.setValue(1)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    wait_for_tasks(qtbot, window)  # the calibration runs after the run, off the GUI thread
    familiarity = window.workspace.session.familiarity
    assert familiarity is not None and familiarity.threshold > familiarity.typical
    assert window.workspace.snapshot_project().familiarity == familiarity
    drop_files(window, [_noise(tmp_path / "noise.png", 4)])
    assert window.classify_view.stranger.isVisible()
