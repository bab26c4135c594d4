"""Transfer learning in the window: the frozen pretrained backbone under a head, trained on the
cached features of a photo folder, classifying dropped photos, saved and opened again."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from test_gui_workspace import menu_action

from gui_helpers import (
    LEFT,
    NO_MOD,
    FakeDragManager,
    answer_next_dialog,
    choose_in_combo,
    drop_files,
    mouse_drag,
)
from playground.bench.shapes import make_photos, photo


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    return make_photos(tmp_path_factory.mktemp("photos") / "shapes", 8)


def points(curve) -> int:
    x, _ = curve.getData()
    return 0 if x is None else len(x)


def load_folder_with_combo(window, qtbot, monkeypatch, root) -> None:
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: str(root)
    )
    choose_in_combo(window.training.dataset, "folder")
    qtbot.waitUntil(lambda: window.datasets.preview is not None, timeout=10_000)
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        QTest.mouseClick(window.datasets.preview.load, LEFT)
    # the offscreen platform does not give the activation back when a dialog closes (a
    # desktop does): shortcuts then reach the window again
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window, 5000)


def test_transfer_preset_trains_on_cached_features(window, qtbot, shapes, tmp_path, monkeypatch):
    ws = window.workspace
    load_folder_with_combo(window, qtbot, monkeypatch, shapes)
    assert ws.dataset.input_shape == (3, 32, 32)
    menu_action(window, "preset-transfer").trigger()
    # the folder is loaded again as the backbone takes photos: 224×224 colour
    qtbot.waitUntil(lambda: ws.dataset.input_shape == (3, 224, 224), timeout=30_000)
    assert ws.document.report.ok and ws.document.spec.layers[0].type == "EfficientNet-Lite0"
    assert "EfficientNet-Lite0  frozen  → 1280" in window.stack.card_text(0)
    window.training.epochs.setValue(30)
    window.training.lr.setValue(0.003)
    titles = []
    ws.tasks.started.connect(lambda task: titles.append(task.title))
    with qtbot.waitSignal(ws.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
        assert window.training.status.text().startswith("Computing the backbone's features")
        assert not window.training.train_button.isEnabled()
    assert "Features of the photos in shapes" in titles
    history = ws.session.history
    assert history.epochs_done == 30 and history.epochs[-1].val_accuracy >= 0.9
    assert "validation accuracy" in window.training.status.text()
    curve = window.curves.val_acc  # the live curves, one point an epoch
    qtbot.waitUntil(lambda: points(curve) == 30, timeout=5000)

    fresh = tmp_path / "stripes.jpg"
    photo("stripes", np.random.default_rng(7)).save(fresh)
    drop_files(window, [fresh])
    texts = window.classify_view.bars.row_texts()
    assert len(texts) == 3 and texts[0].endswith("stripes"), texts

    # Train again: the features come from the cache, and training continues
    window.training.epochs.setValue(2)
    with qtbot.waitSignal(ws.session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    assert ws.session.history.epochs_done == 32

    # saved, and opened again by a drop, it still tells stripes
    path = tmp_path / "shapes.playground"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    # (the explanations of the dropped photo may still be computed: not waited for)
    saving = lambda: any(t.title.startswith("Saving") for t in ws.tasks.running)  # noqa: E731
    qtbot.waitUntil(lambda: path.exists() and not saving(), timeout=30_000)
    menu_action(window, "preset-mlp").trigger()
    answer_next_dialog(QMessageBox.StandardButton.Discard, [])  # the unsaved preset
    drop_files(window, [path])
    spec = ws.document.spec
    qtbot.waitUntil(lambda: ws.document.spec != spec, timeout=30_000)
    assert ws.session.state == "trained" and ws.document.spec.layers[0].type == "EfficientNet-Lite0"
    drop_files(window, [fresh])
    assert window.classify_view.bars.row_texts()[0].endswith("stripes")


def test_fine_tune_toggle_trains_without_the_cache(window, qtbot, shapes, monkeypatch):
    ws = window.workspace
    load_folder_with_combo(window, qtbot, monkeypatch, shapes)
    menu_action(window, "preset-transfer").trigger()
    qtbot.waitUntil(lambda: ws.dataset.input_shape == (3, 224, 224), timeout=30_000)
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(0).center())
    box = window.inspector.editors["fine_tune"]
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Space)
    assert ws.document.spec.layers[0].params["fine_tune"] is True
    assert "2 blocks learn" in window.stack.card_text(0)
    titles = []
    ws.tasks.started.connect(lambda task: titles.append(task.title))
    window.training.epochs.setValue(1)
    with qtbot.waitSignal(ws.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    assert not any(t.startswith("Features of") for t in titles)
    assert "no feature cache" in window.banner.text()
    assert ws.session.history.epochs_done == 1


def test_cancel_the_features(window, qtbot, shapes, monkeypatch):
    ws = window.workspace
    load_folder_with_combo(window, qtbot, monkeypatch, shapes)
    menu_action(window, "preset-transfer").trigger()
    qtbot.waitUntil(lambda: ws.dataset.input_shape == (3, 224, 224), timeout=30_000)
    QTest.mouseClick(window.training.train_button, LEFT)
    bar = window.task_bar
    qtbot.waitUntil(lambda: bar.isVisible() and "Features of" in bar.label.text(), timeout=10_000)
    QTest.mouseClick(bar.cancel, LEFT)
    qtbot.waitUntil(lambda: ws.transfer.task is None, timeout=30_000)
    assert ws.session.state == "idle" and not ws.document.locked
    assert window.training.train_button.isEnabled()
    assert window.training.status.text() == "Ready to train"


def test_backbone_from_the_palette_under_any_head(window, qtbot, shapes, monkeypatch):
    """The Pretrained group's card dragged above the MLP preset: the folder is loaded again as
    photos, and the MLP trains on the backbone's cached features."""
    ws, drags = window.workspace, FakeDragManager(monkeypatch)
    load_folder_with_combo(window, qtbot, monkeypatch, shapes)
    menu_action(window, "preset-mlp").trigger()
    pal = window.palette_view
    item = pal.item_for("EfficientNet-Lite0")
    assert item.parent().text(0) == "Pretrained"
    pal.scrollToItem(item)
    top = QPoint(80, window.stack.card_rect(0).top() + 4)
    mouse_drag(drags, pal.viewport(), pal.visualItemRect(item).center(), window.stack, top)
    assert [layer.type for layer in ws.document.spec.layers][:3] == [
        "EfficientNet-Lite0",
        "Flatten",
        "Linear",
    ]
    qtbot.waitUntil(lambda: ws.dataset.input_shape == (3, 224, 224), timeout=30_000)
    assert ws.document.report.ok
    window.training.epochs.setValue(20)
    with qtbot.waitSignal(ws.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    assert ws.session.history.epochs[-1].val_accuracy >= 0.8
