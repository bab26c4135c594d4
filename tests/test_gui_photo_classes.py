"""Data set ▸ Classes of your photos…: named classes, photos dropped or opened onto each and
copied into a folder the app owns, browsed and removed, then trained on with the pretrained
network."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_gui_workspace import menu_action

from gui_helpers import LEFT, NO_MOD, drop_files, wait_for_tasks
from playground.bench.shapes import make_photos


def class_rows(dialog) -> list[str]:
    return [dialog.class_list.item(i).text() for i in range(dialog.class_list.count())]


def click_class(dialog, row: int) -> None:
    rect = dialog.class_list.visualItemRect(dialog.class_list.item(row))
    QTest.mouseClick(dialog.class_list.viewport(), LEFT, NO_MOD, rect.center())


def test_make_classes_of_photos_and_train_on_them(
    window, qtbot, tmp_path, monkeypatch, _isolated_home
):
    ws = window.workspace
    src = make_photos(tmp_path / "src", 6)
    menu_action(window, "photoClasses").trigger()
    dialog = window.datasets.classes
    assert dialog.isVisible() and not dialog.train.isEnabled()
    for name in ("disks", "stripes"):
        QTest.keyClicks(dialog.name, name)
        QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.name, "Disks")
    QTest.mouseClick(dialog.add_class, LEFT)
    assert dialog.message.text() == "Cannot add the class: there is a class 'Disks' already"
    assert class_rows(dialog) == ["disks  (0)", "stripes  (0)"]

    # photos dropped on the class "disks"; a text file among them is left out
    (tmp_path / "notes.txt").write_text("not a photo")
    files = [src / "disks" / f"{i}.jpg" for i in range(6)] + [tmp_path / "notes.txt"]
    first = dialog.class_list.visualItemRect(dialog.class_list.item(0)).center()
    drop_files(dialog.class_list.viewport(), files, first)
    wait_for_tasks(qtbot, window)
    assert dialog.message.text().startswith("Added 6 photos to disks. Left out 1: notes.txt")
    owned = _isolated_home / "photos" / "untitled"
    assert sorted(p.name for p in (owned / "disks").iterdir()) == [f"{i}.jpg" for i in range(6)]
    assert dialog.photo_names() == [f"{i}.jpg" for i in range(6)]
    qtbot.waitUntil(lambda: not dialog.photo_list.item(0).icon().isNull(), timeout=10_000)

    # photos opened for "stripes", then one removed with Delete
    click_class(dialog, 1)
    opened = [str(src / "stripes" / f"{i}.jpg") for i in range(6)]
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getOpenFileNames", lambda *a, **k: (opened, "")
    )
    QTest.mouseClick(dialog.add_photos, LEFT)
    wait_for_tasks(qtbot, window)
    assert class_rows(dialog) == ["disks  (6)", "stripes  (6)"]
    photos = dialog.photo_list
    QTest.mouseClick(
        photos.viewport(), LEFT, NO_MOD, photos.visualItemRect(photos.item(5)).center()
    )
    QTest.keyClick(photos, Qt.Key.Key_Delete)
    assert class_rows(dialog) == ["disks  (6)", "stripes  (5)"]
    assert not (owned / "stripes" / "5.jpg").exists()
    assert (src / "stripes" / "5.jpg").exists()  # the person's own file stays

    # train on them: the transfer preset and the folder as photos
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        QTest.mouseClick(dialog.train, LEFT)
    assert not dialog.isVisible()
    assert ws.dataset.class_names == ["disks", "stripes"]
    assert ws.dataset.input_shape == (3, 224, 224)
    assert ws.document.spec.layers[0].type == "EfficientNet-Lite0" and ws.document.report.ok
    window.training.epochs.setValue(10)
    with qtbot.waitSignal(ws.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    assert ws.session.history.epochs_done == 10

    # opened again, the dialog shows the data set's classes
    menu_action(window, "photoClasses").trigger()
    again = window.datasets.classes
    assert class_rows(again) == ["disks  (6)", "stripes  (5)"]
    QTest.mouseClick(again.close_button, LEFT)
    assert not again.isVisible()
