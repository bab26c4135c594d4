"""Data set ▸ Add image folder…: a preview of the classes before loading, refusals with the
reason, loading off the GUI thread in the form the network takes."""

import pytest
from PIL import Image
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from test_gui_workspace import menu_action

from gui_helpers import LEFT, wait_for_tasks


def make_folder(root, classes, per_class=6):
    for k, name in enumerate(classes):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            Image.new("RGB", (40, 30), (60 * k, 20 * i, 120)).save(root / name / f"{i}.png")
    return root


def add_folder(window, qtbot, monkeypatch, root):
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: str(root)
    )
    menu_action(window, "addFolder").trigger()
    wait_for_tasks(qtbot, window)


def test_preview_then_load(window, qtbot, tmp_path, monkeypatch):
    root = make_folder(tmp_path / "pets", ("cat", "dog", "fish"))
    (root / "cat" / "broken.png").write_bytes(b"not a picture")
    add_folder(window, qtbot, monkeypatch, root)
    dialog = window.datasets.preview
    assert dialog.isVisible()
    assert dialog.class_texts() == ["cat: 7 images", "dog: 6 images", "fish: 6 images"]
    assert "3 classes, 19 images" in dialog.summary.text()
    assert "32×32 colour" in dialog.summary.text()
    assert len(dialog.rows.findChildren(type(dialog.summary))) == 3 + 3 * 4  # 4 pictures each
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        QTest.mouseClick(dialog.load, LEFT)
    d = window.workspace.dataset
    assert d.class_names == ["cat", "dog", "fish"] and d.input_shape == (3, 32, 32)
    assert "1 unreadable file left out" in window.banner.text()
    assert "broken.png" in window.banner.text()


def test_photos_keep_their_colour_for_the_pretrained_network(window, qtbot, tmp_path, monkeypatch):
    root = make_folder(tmp_path / "pets", ("cat", "dog"))
    menu_action(window, "preset-transfer").trigger()
    add_folder(window, qtbot, monkeypatch, root)
    dialog = window.datasets.preview
    assert "224×224 colour photos" in dialog.summary.text()
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        QTest.mouseClick(dialog.load, LEFT)
    assert window.workspace.dataset.input_shape == (3, 224, 224)
    assert window.workspace.document.report.ok


def test_cancel_keeps_the_data_set(window, qtbot, tmp_path, monkeypatch):
    before = window.workspace.dataset
    add_folder(window, qtbot, monkeypatch, make_folder(tmp_path / "pets", ("cat", "dog")))
    cancel = window.datasets.preview.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    QTest.mouseClick(cancel, LEFT)
    wait_for_tasks(qtbot, window)
    assert window.workspace.dataset is before


@pytest.mark.parametrize(
    "classes,per_class,reason",
    [
        (("cat",), 3, "needs one sub-folder per class, at least two (found 1)"),
        (("cat", "dog"), 0, "has no images in its class folders"),
    ],
)
def test_folders_that_cannot_be_data_sets(
    window, qtbot, tmp_path, monkeypatch, classes, per_class, reason
):
    root = make_folder(tmp_path / "pets", classes, per_class)
    add_folder(window, qtbot, monkeypatch, root)
    assert window.datasets.preview is None
    assert window.banner.text() == f"Cannot load pets: pets {reason}."
