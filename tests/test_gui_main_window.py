import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, FakeDragManager, choose_in_combo, mouse_drag


@pytest.fixture
def drags(monkeypatch):
    return FakeDragManager(monkeypatch)


def palette_drag(window, drags, type_name, target_y):
    pal = window.palette_view
    item = pal.item_for(type_name)
    pal.scrollToItem(item)
    start = pal.visualItemRect(item).center()
    mouse_drag(drags, pal.viewport(), start, window.stack, QPoint(80, target_y))


def click_card(window, index):
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(index).center())


def set_spin(spin, value):
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(spin, str(value))
    QTest.keyClick(spin, Qt.Key.Key_Return)


def layer_types(window):
    return [layer.type for layer in window.workspace.document.spec.layers]


def test_opens_ready_to_train_on_mnist_small_cnn(window):
    assert window.training.dataset.currentText() == "MNIST 5k digits"
    assert window.stack.cards[0].shape == "1×28×28"
    assert layer_types(window)[0] == "Conv2d" and layer_types(window)[-1] == "Linear"
    assert "→ 10" in window.stack.card_text(len(layer_types(window)) - 1)
    assert "✓ ready to train" in window.stack.footer
    assert window.training.train_button.isEnabled()
    assert window.training.device.currentText().startswith("Auto (")


def test_drag_layers_edit_train_stop_close(window, drags, qtbot):
    # Start from an empty network: click each card and press Delete.
    while window.workspace.document.spec.layers:
        click_card(window, 0)
        QTest.keyClick(window.stack, Qt.Key.Key_Delete)
    assert "Drag layers here" not in window.stack.footer and window.stack.cards[1:] == []
    # Drag Flatten, then Linear below it.
    palette_drag(window, drags, "Flatten", window.stack.cards[0].rect.bottom() + 30)
    assert layer_types(window) == ["Flatten"]
    palette_drag(window, drags, "Linear", window.stack.card_rect(0).bottom() + 30)
    assert layer_types(window) == ["Flatten", "Linear"]
    assert "ends with 64 outputs but the data set has 10 classes" in window.stack.card_text(1)
    assert "✗" in window.stack.footer
    # Edit out_features in the inspector with the keyboard.
    click_card(window, 1)
    set_spin(window.inspector.editors["out_features"], 10)
    assert "→ 10" in window.stack.card_text(1) and "7,850 params" in window.stack.card_text(1)
    assert "Total: 7,850 parameters" in window.stack.footer
    # Train with real clicks.
    # Far more epochs than the test waits for: the run is stopped by hand below, so it must
    # still be going then, however fast the machine.
    set_spin(window.training.epochs, 1000)
    QTest.mouseClick(window.training.train_button, LEFT)
    assert window.workspace.document.locked and not window.palette_view.isEnabled()
    assert not window.training.train_button.isEnabled()
    qtbot.waitUntil(lambda: len(window.curves.history.epochs) >= 3, timeout=30_000)
    steps = window.curves.history.steps()[0]
    assert len(steps) >= 3  # at least one point per epoch (fast epochs report once)
    accs = [e.val_accuracy for e in window.curves.history.epochs]
    assert accs[-1] > accs[0] > 0.5
    # the curve is drawn on the curves' redraw timer
    qtbot.waitUntil(lambda: window.curves.train_loss.getData()[0] is not None, timeout=2000)
    status = window.training.status.text
    qtbot.waitUntil(lambda: "Epoch" in status() and "samples/s" in status(), timeout=2000)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=5000) as blocker:
        QTest.mouseClick(window.training.stop_button, LEFT)
    assert blocker.args[0].status == "stopped"
    assert (
        not window.workspace.document.locked
        and window.training.train_button.text() == "▶  Continue"
    )
    assert window.training.reset_button.isEnabled()
    window.workspace.files.dirty = False
    window.close()
    assert window.workspace.session._worker is None


def test_reorder_cards_by_dragging(window, drags):
    before = layer_types(window)
    start = window.stack.card_rect(2).center()  # MaxPool2d
    mouse_drag(
        drags, window.stack, start, window.stack, QPoint(60, window.stack.cards[1].rect.top() + 5)
    )
    assert layer_types(window) == [before[2], *before[:2], *before[3:]]
    assert window.stack.selected == 0


def test_drop_indicator_follows_the_drag(window, drags):
    seen = []
    drags.on_hover = lambda: seen.append(window.stack.drop_indicator)
    palette_drag(window, drags, "ReLU", window.stack.card_rect(3).top() + 4)
    assert seen == [3] and layer_types(window)[3] == "ReLU"
    assert window.stack.drop_indicator is None


def test_invalid_network_is_red_and_train_says_why(window, drags, qtbot):
    palette_drag(window, drags, "Linear", window.stack.card_rect(0).top() + 4)
    text = window.stack.card_text(0)
    assert "Linear needs a flat input (C×H×W = 1×28×28 given): add Flatten above" in text
    assert window.stack.cards[1].error
    # Train is off, and the status line and the Training menu say why.
    assert not window.training.train_button.isEnabled()
    assert not window.menus.train.isEnabled()
    status = window.training.status.text()
    assert status.startswith("Fix the network to train it") and "Layer 1 (Linear)" in status
    QTest.keyClick(window, Qt.Key.Key_F5)
    assert window.workspace.session.state == "idle"
    # Undo makes it valid again: Train turns on and says so.
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.training.train_button.isEnabled()
    assert window.training.status.text() == "Ready to train"


def test_pause_and_resume(window, qtbot):
    set_spin(window.training.epochs, 50)
    QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: len(window.curves.history.steps()[0]) > 2, timeout=10_000)
    QTest.mouseClick(window.training.pause_button, LEFT)
    assert window.training.pause_button.text() == "Resume"
    assert "paused" in window.training.status.text()
    assert "ETA" not in window.training.status.text()
    qtbot.wait(300)
    count = window.workspace.session.history.last_step
    qtbot.wait(300)
    assert window.workspace.session.history.last_step == count
    QTest.mouseClick(window.training.pause_button, LEFT)
    assert window.training.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: window.workspace.session.history.last_step > count, timeout=5000)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=5000):
        QTest.mouseClick(window.training.stop_button, LEFT)


def test_switch_dataset_then_preset(window, qtbot):
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, "spiral")
    assert window.stack.cards[0].shape == "2"
    assert "Conv2d needs an image input" in window.stack.card_text(0)
    action = window.findChild(type(window.menus.undo), "preset-mlp")
    action.trigger()
    assert "✓ ready to train" in window.stack.footer
    assert layer_types(window) == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]


def test_bad_image_folder_is_explained(window, qtbot, tmp_path, monkeypatch):
    (tmp_path / "data" / "only_one_class").mkdir(parents=True)
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: str(tmp_path / "data")
    )
    choose_in_combo(window.training.dataset, "folder")
    qtbot.waitUntil(lambda: "Cannot load data" in window.banner.text(), timeout=10_000)
    assert "at least two" in window.banner.text()
    assert window.training.dataset.currentText() == "MNIST 5k digits"


def test_undo_redo_with_keys(window, drags):
    before = layer_types(window)
    click_card(window, 0)
    QTest.keyClick(window.stack, Qt.Key.Key_Delete)
    assert layer_types(window) == before[1:]
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert layer_types(window) == before
    QTest.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert layer_types(window) == before[1:]
