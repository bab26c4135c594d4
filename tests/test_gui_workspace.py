"""The workspace's promises, driven as a person would: every view true at every moment, controls
that tell the truth, slow work off the GUI thread, no work lost."""

import numpy as np
from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from gui_helpers import (
    LEFT,
    NO_MOD,
    answer_next_dialog,
    choose_in_combo,
    click_tab,
    drop_files,
    wait_for_tasks,
    wait_for_views,
)
from playground.core.io.project import load_project

CTRL = Qt.KeyboardModifier.ControlModifier
Button = QMessageBox.StandardButton


def menu_action(window, name) -> QAction:
    return window.findChild(QAction, name)


def choose_dataset(window, qtbot, key):
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, key)


def train(window, qtbot, epochs=1):
    window.training.epochs.setValue(epochs)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    wait_for_tasks(qtbot, window)
    wait_for_views(qtbot)


def shown_rect(item) -> QRectF:
    """Where an image item's pixels land, in the plot's data coordinates."""
    return item.mapRectToView(item.boundingRect())


def test_boundary_shows_points_over_the_plane_in_data_coordinates(window, qtbot):
    choose_dataset(window, qtbot, "circle")
    menu_action(window, "preset-mlp").trigger()
    click_tab(window, "Boundary")
    view = window.views.boundary
    n = len(window.workspace.dataset.x_train)
    window.training.epochs.setValue(5000)  # stopped by hand below
    QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: view.picture is not None, timeout=30_000)
    for moment in ("during", "after"):
        if moment == "after":
            with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000):
                QTest.mouseClick(window.training.stop_button, LEFT)
            wait_for_views(qtbot)
        rect = shown_rect(view.image)
        assert (rect.left(), rect.top(), rect.width(), rect.height()) == (-6, -6, 12, 12)
        (x0, x1), (y0, y1) = view.plot.plotItem.vb.viewRange()
        assert x0 <= -5 and x1 >= 5 and y0 <= -5 and y1 >= 5, moment  # the whole plane...
        # ...in data units, not pixels (the square plane, widened to a wide, short view)
        assert x1 - x0 < 100 and y1 - y0 < 100, moment
        xs, ys = view.train_points.getData()
        assert len(xs) == n and np.abs(xs).max() <= 6 and np.abs(ys).max() <= 6
        assert np.ptp(xs) > 4  # spread over the plane, not one dot at the origin


def test_boundary_on_image_data_says_why_it_is_empty(window):
    view = window.views.boundary
    assert view.pages.currentIndex() == 1
    assert "2-D data" in view.empty.text()


def test_new_project_leaves_nothing_stale(window, qtbot):
    click_tab(window, "Confusion")
    train(window, qtbot)
    assert window.views.confusion.matrix is not None
    assert window.training.progress.value() == 1000
    answer_next_dialog(Button.Discard, [])
    QTest.keyClick(window, Qt.Key.Key_N, CTRL)
    wait_for_tasks(qtbot, window)
    assert window.views.confusion.matrix is None
    assert window.views.confusion.table.rowCount() == 0
    assert "Train the network" in window.views.confusion.title.text()
    assert window.training.status.text() == "Ready to train"
    assert window.training.progress.value() == 0
    assert window.training.train_button.text() == "▶  Train"
    assert window.workspace.session.history.empty and window.curves.previous is None


def test_another_data_set_clears_the_old_one_from_every_view(window, qtbot):
    train(window, qtbot)
    asked: list[str] = []
    answer_next_dialog(QMessageBox.StandardButton.Discard, asked)  # the trained weights go
    choose_dataset(window, qtbot, "xor")
    assert asked, "changing the data set under trained weights asks first"
    assert window.curves.previous is None  # no ghost of a digits run on the xor axes
    assert window.curves.prev_loss.getData()[0] is None or not len(
        window.curves.prev_loss.getData()[0]
    )
    # the output layer follows the two classes, as one undoable edit
    assert window.workspace.document.spec.layers[-1].params["out_features"] == 2
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert window.workspace.document.spec.layers[-1].params["out_features"] == 10


def test_gradients_of_a_new_network_do_not_splice_the_old_ones(window, qtbot):
    click_tab(window, "Gradients")
    train(window, qtbot)
    first = set(window.views.gradients.curves)
    assert first == {"1 Conv2d", "4 Conv2d", "8 Linear", "11 Linear"}
    answer_next_dialog(QMessageBox.StandardButton.Discard, [])  # the trained weights go
    menu_action(window, "preset-mlp").trigger()
    train(window, qtbot)
    assert set(window.views.gradients.curves) == {"2 Linear", "4 Linear", "6 Linear"}


def test_a_classify_error_does_not_stand_beside_the_previous_image(window, qtbot, tmp_path):
    train(window, qtbot)
    good, bad = tmp_path / "digit.png", tmp_path / "broken.png"
    Image.new("L", (60, 60), 255).save(good)
    bad.write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    drop_files(window, [good])
    view = window.classify_view
    assert view.bars.rows and not view.original.pixmap().isNull()
    drop_files(window, [bad])
    assert view.bars.rows == [] and view.original.pixmap().isNull()
    assert "broken.png" in view.message_text()


def test_file_names_are_shown_as_plain_text(window, qtbot, tmp_path):
    train(window, qtbot)
    path = tmp_path / "<font size=7 color=red>PAY NOW.png"
    Image.new("L", (60, 60), 255).save(path)
    drop_files(window, [path])
    view = window.classify_view
    assert view.message.textFormat() == Qt.TextFormat.PlainText
    assert "<font size=7 color=red>PAY NOW.png" in view.message.text()


def test_banner_goes_when_it_no_longer_applies(window, qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(tmp_path / "net.onnx"), ""),
    )
    menu_action(window, "export-onnx").trigger()
    assert "Train the network before exporting it" in window.banner.text()
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(0).center())
    QTest.keyClick(window.stack, Qt.Key.Key_Delete)  # the network changed: old news
    assert window.banner.text() == ""


def save_start_new_and_reopen(window, qtbot, monkeypatch, path):
    """Ctrl+S to path, Ctrl+N (nothing to ask: it was saved), then drop path on the window."""
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    QTest.keyClick(window, Qt.Key.Key_S, CTRL)
    wait_for_tasks(qtbot, window)
    assert not window.isWindowModified()
    QTest.keyClick(window, Qt.Key.Key_N, CTRL)
    wait_for_tasks(qtbot, window)
    assert window.views.weights.heatmap.image is None  # New left nothing drawn
    drop_files(window, [path])
    wait_for_tasks(qtbot, window)


def test_reopened_project_shows_every_view(window, qtbot, tmp_path, monkeypatch):
    train(window, qtbot)
    save_start_new_and_reopen(window, qtbot, monkeypatch, tmp_path / "digits.playground")
    views = window.views
    for title, drawn in (
        ("Confusion", lambda: views.confusion.matrix is not None),
        ("Gradients", lambda: len(views.gradients.curves) == 4),
        ("Weights", lambda: views.weights.heatmap.image is not None),
        ("Filters", lambda: views.filters.image.image is not None),
        ("Feature maps", lambda: len(views.feature_maps.layers) > 0),
    ):
        click_tab(window, title)
        qtbot.waitUntil(drawn, timeout=10_000)
    assert views.confusion.matrix.sum() == len(window.workspace.dataset.x_val)
    assert f"Epoch 1: {int(np.trace(views.confusion.matrix))} of" in views.confusion.title.text()


def test_feature_maps_drawn_after_the_run_ends(window, qtbot):
    click_tab(window, "Curves")
    train(window, qtbot)
    click_tab(window, "Feature maps")
    qtbot.waitUntil(lambda: len(window.views.feature_maps.layers) > 0, timeout=10_000)
    assert window.views.feature_maps.layers[0][1].shape == (16, 28, 28)


def test_history_is_recorded_once(window, qtbot, tmp_path, monkeypatch):
    """Open a trained project, train on, save: every step and epoch is stored once."""
    train(window, qtbot)
    path = tmp_path / "twice.playground"
    save_start_new_and_reopen(window, qtbot, monkeypatch, path)
    train(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_S, CTRL)
    wait_for_tasks(qtbot, window)
    history = load_project(path).history
    steps, _, _ = history.steps()
    assert [e.epoch for e in history.epochs] == [1, 2]
    assert np.all(np.diff(steps) > 0)  # no step stored twice


def test_controls_tell_the_truth(window, qtbot):
    t = window.training
    assert not t.pause_button.isEnabled()
    disabled = t.pause_button.palette().color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText
    )
    enabled = t.pause_button.palette().color(
        QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText
    )
    assert disabled != enabled  # a disabled button looks disabled
    train(window, qtbot)
    assert t.train_button.text() == "▶  Continue"
    assert t.status.text().startswith("Trained 1 epoch")
    train(window, qtbot)
    assert t.status.text().startswith("Trained 2 epochs")  # all epochs, not this run's
    asked: list[str] = []
    answer_next_dialog(QMessageBox.StandardButton.Discard, asked)
    menu_action(window, "preset-lenet5").trigger()
    assert asked  # the preset would strand the trained weights: asked first
    assert t.train_button.text() == "▶  Train"
    assert "changed since it was trained" in t.status.text()


def test_inspector_is_locked_while_training_and_clamps_typed_values(window, qtbot):
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(0).center())
    inspector = window.inspector
    spin = inspector.editors["kernel_size"]
    window.training.epochs.setValue(50)
    QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: window.workspace.session.state == "running", timeout=10_000)
    assert not inspector.editors["kernel_size"].isEnabled()
    with qtbot.waitSignal(window.workspace.session.finished, timeout=30_000):
        QTest.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)  # Stop
    spin = inspector.editors["kernel_size"]
    assert spin.isEnabled()
    typed = spin.maximum() + 9
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(spin, str(typed))
    QTest.keyClick(spin, Qt.Key.Key_Return)
    kernel = window.workspace.document.spec.layers[0].params["kernel_size"]
    assert kernel == spin.maximum()
    assert f"{typed} is outside" in inspector.note.text()


def test_training_from_the_keyboard(window, qtbot):
    window.training.epochs.setValue(50)
    QTest.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.workspace.session.state == "running", timeout=10_000)
    QTest.keyClick(window, Qt.Key.Key_F6)
    assert window.workspace.session.state == "paused"
    assert "ETA" not in window.training.status.text()
    QTest.keyClick(window, Qt.Key.Key_F6)
    assert window.workspace.session.state == "running"
    with qtbot.waitSignal(window.workspace.session.finished, timeout=30_000):
        QTest.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert "F5" in window.menus.help_text


def test_about_names_the_log_file(window, qtbot, _isolated_home):
    seen = []
    answer_next_dialog(None, seen)
    menu_action(window, "about").trigger()
    assert str(_isolated_home / "playground.log") in seen[0]


def test_image_folder_loads_off_the_gui_thread(window, qtbot, tmp_path, monkeypatch):
    root = tmp_path / "pets"
    for k, name in enumerate(("cat", "dog", "fish")):
        (root / name).mkdir(parents=True)
        for i in range(8):
            Image.new("RGB", (20, 20), (40 * k, 10 * i, 100)).save(root / name / f"{i}.png")
    (root / "cat" / "broken.png").write_bytes(b"not a picture")
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: str(root)
    )
    choose_in_combo(window.training.dataset, "folder")
    qtbot.waitUntil(lambda: window.datasets.preview is not None, timeout=10_000)
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        QTest.mouseClick(window.datasets.preview.load, LEFT)  # after a look at its classes
    d = window.workspace.dataset
    assert d.class_names == ["cat", "dog", "fish"]
    assert window.workspace.document.spec.layers[-1].params["out_features"] == 3
    assert "1 unreadable file left out" in window.banner.text()
    assert "broken.png" in window.banner.text()


def test_cancel_a_slow_folder(window, qtbot, tmp_path, monkeypatch):
    """The strip of slow work shows in the status bar with its Cancel, and does not make a
    window at 1024×700 any taller (a row of its own pushed the bottom off the screen)."""
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1024, 700))
    root = tmp_path / "noise"
    rng = np.random.default_rng(0)
    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        for i in range(400):
            pixels = rng.integers(0, 255, (160, 160, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png", compress_level=0)
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: str(root)
    )
    before = window.workspace.dataset
    choose_in_combo(window.training.dataset, "folder")
    qtbot.waitUntil(lambda: window.datasets.preview is not None, timeout=10_000)
    QTest.mouseClick(window.datasets.preview.load, LEFT)
    bar = window.task_bar
    qtbot.waitUntil(bar.isVisible, timeout=10_000)
    qtbot.waitUntil(lambda: "Reading" in bar.label.text(), timeout=10_000)
    assert window.size().toTuple() == (1024, 700) and window.minimumSizeHint().height() <= 700
    assert window.statusBar().geometry().contains(bar.mapTo(window, bar.rect().center()))
    QTest.mouseClick(bar.cancel, LEFT)
    wait_for_tasks(qtbot, window)
    assert window.workspace.dataset is before and not bar.isVisible()
    assert window.banner.text() == ""


def test_classify_while_training_reads_a_copy_of_the_weights(window, qtbot, tmp_path):
    path = tmp_path / "digit.png"
    Image.new("L", (60, 60), 255).save(path)
    window.training.epochs.setValue(50)
    QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: window.workspace.session.history.last_step > 5, timeout=20_000)
    drop_files(window, [path])
    assert window.classify_view.bars.rows  # an answer while the run goes on
    _, model = window.workspace._inference
    live = window.workspace.session._worker.trainer.model
    used = {p.data_ptr() for p in model.parameters()}
    assert used.isdisjoint(p.data_ptr() for p in live.parameters())
    with qtbot.waitSignal(window.workspace.session.finished, timeout=30_000):
        QTest.mouseClick(window.training.stop_button, LEFT)


def test_autosave_during_the_first_run_keeps_its_weights(window, qtbot, _isolated_home):
    """A crash mid-run loses at most the epoch under way: the epoch's end autosaves the run."""
    menu_action(window, "preset-mlp").trigger()
    window.training.epochs.setValue(500)
    with qtbot.waitSignal(window.workspace.session.epochEnded, timeout=30_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    recovery = _isolated_home / "recovery.playground"
    qtbot.waitUntil(recovery.exists, timeout=20_000)
    wait_for_tasks(qtbot, window)
    saved = load_project(recovery)
    assert saved.weights is not None and len(saved.history.epochs) >= 1
    with qtbot.waitSignal(window.workspace.session.finished, timeout=30_000):
        QTest.mouseClick(window.training.stop_button, LEFT)


def test_imagenet_classifier_in_one_click(window, qtbot, tmp_path):
    """Network ▸ Pretrained ▸ ImageNet classifier: a dropped photo gets five of the 1,000
    named classes, and its first layer's 32 filters are there to look at."""
    from playground.core.io.pretrained import imagenet_class_names

    menu_action(window, "pretrained-imagenet").trigger()
    wait_for_tasks(qtbot, window)
    ws = window.workspace
    assert ws.document.spec.input_shape == (3, 224, 224) and ws.document.report.ok
    assert ws.session.state == "trained" and ws.dataset is None
    assert not window.training.train_button.isEnabled()  # nothing to train it on
    photo = tmp_path / "photo.jpg"
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)).save(photo)
    drop_files(window, [photo])
    rows = window.classify_view.bars.rows
    names = set(imagenet_class_names())
    assert len(rows) == 5 and all(name in names for name, _ in rows)
    click_tab(window, "Filters")
    qtbot.waitUntil(lambda: window.views.filters.image.image is not None, timeout=20_000)
    assert "32 filters of 3×3" in window.views.filters.note.text()


def test_cluster_page_gives_the_commands_for_this_project(window, qtbot, tmp_path, monkeypatch):
    path = tmp_path / "digits.playground"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    QTest.keyClick(window, Qt.Key.Key_S, CTRL)
    wait_for_tasks(qtbot, window)
    seen = []

    def read_and_close():
        from PySide6.QtWidgets import QApplication

        page = QApplication.activeModalWidget()
        seen.append(page.text.toPlainText())
        page.reject()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(200, read_and_close)
    menu_action(window, "cluster").trigger()
    assert (
        "torchrun --standalone --nproc_per_node=4 -m playground train digits.playground"
        in (seen[0])
    )
