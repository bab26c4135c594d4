import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_helpers import LEFT, NO_MOD, drop_files, drop_project
from handwriting import photo_of_digit


@pytest.fixture
def trained_window(window, digit_model, tmp_path, qtbot):
    drop_project(window, qtbot, digit_model[1], tmp_path)
    return window


def test_drop_before_training_says_so(window, tmp_path):
    path = tmp_path / "seven.png"
    photo_of_digit(7, 3).save(path)
    drop_files(window, [path])
    view = window.classify_view
    assert window.views.currentWidget() is view
    assert "Train the network first" in view.message_text()
    assert view.bars.rows == []


def test_drop_an_image_and_read_the_bars(trained_window, tmp_path):
    w = trained_window
    path = tmp_path / "photo.png"
    photo_of_digit(3, 11).save(path)
    started = time.perf_counter()
    drop_files(w, [path])
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"drop to bars: {elapsed_ms:.1f} ms")
    texts = w.classify_view.bars.row_texts()
    assert len(texts) == 5
    assert texts[0].endswith(" 3"), texts
    assert texts[0].split()[0].isdigit() and "%" in texts[0]
    assert "photo.png: the network says 3" in w.classify_view.message_text()
    assert not w.classify_view.seen.pixmap().isNull()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("notes.png", b"not an image at all", "not an image file"),
        ("zero.jpg", b"", "empty (0 bytes)"),
    ],
)
def test_bad_drops_get_clear_messages(trained_window, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    drop_files(trained_window, [path])
    assert message in trained_window.classify_view.message_text()
    assert trained_window.classify_view.bars.rows == []


def test_folder_truncated_and_many_files(trained_window, tmp_path, qtbot):
    w = trained_window
    drop_files(w, [tmp_path])
    assert "is a folder" in w.classify_view.message_text()
    good = tmp_path / "a.png"
    photo_of_digit(1, 5).save(good)
    broken = tmp_path / "b.png"
    broken.write_bytes(good.read_bytes()[:200])
    drop_files(w, [broken])
    assert "damaged or truncated" in w.classify_view.message_text()
    drop_files(w, [good, broken, good])  # several: into the gallery
    gallery = w.views.gallery
    assert w.views.currentWidget() is gallery
    qtbot.waitUntil(lambda: gallery.list.count() == 3)
    assert gallery.captions()[-1] == "✗ b.png"


def test_draw_a_digit_on_the_pad(trained_window):
    pad = trained_window.classify_view.pad
    trained_window.views.setCurrentWidget(trained_window.classify_view)
    QTest.mousePress(pad, LEFT, NO_MOD, QPoint(75, 22))
    for y in range(22, 130, 8):
        QTest.mouseMove(pad, QPoint(75, y))
    QTest.mouseRelease(pad, LEFT, NO_MOD, QPoint(75, 130))
    texts = trained_window.classify_view.bars.row_texts()
    assert len(texts) == 5
    assert texts[0].endswith(" 1"), texts
    # another network: the drawing of the last one's answer goes with it (an old 7 stayed
    # on the pad beside a photo network)
    assert np.asarray(pad.image()).min() < 255
    trained_window.workspace.files.dirty = False
    trained_window.findChild(QAction, "new").trigger()
    assert np.asarray(pad.image()).min() == 255


def test_paste_an_image(trained_window, tmp_path):
    w = trained_window
    w.views.setCurrentWidget(w.classify_view)
    photo_of_digit(0, 8).save(tmp_path / "paste.png")
    QApplication.clipboard().setImage(QImage(str(tmp_path / "paste.png")))
    buttons = [
        b
        for b in w.classify_view.findChildren(type(w.training.train_button))
        if b.text() == "Paste"
    ]
    QTest.mouseClick(buttons[0], LEFT)
    assert len(w.classify_view.bars.rows) == 5


def test_saliency_toggle(trained_window, tmp_path):
    w = trained_window
    path = tmp_path / "p.png"
    photo_of_digit(4, 2).save(path)
    drop_files(w, [path])
    with_saliency = w.classify_view.seen.pixmap().toImage()
    QTest.mouseClick(
        w.classify_view.show_saliency,
        LEFT,
        NO_MOD,
        QPoint(8, w.classify_view.show_saliency.height() // 2),
    )
    assert not w.classify_view.show_saliency.isChecked()
    assert w.classify_view.seen.pixmap().toImage() != with_saliency
    assert Qt.CheckState.Unchecked == w.classify_view.show_saliency.checkState()
