"""One guard for the work: every action that replaces or invalidates the network, its trained
weights or its runs asks "Save the changes …?" first when unsaved trained work would be lost,
and Cancel keeps everything. Each action is driven as a person would: menus clicked open,
buttons clicked, files dropped, the question answered with a click."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from gui_helpers import (
    LEFT,
    answer_next_dialog,
    choose_in_combo,
    click_menu,
    click_tab,
    drop_files,
    toy_mlp,
    wait_for_tasks,
)
from playground.bench.shapes import make_photos
from playground.core.io.project import save_project

Button = QMessageBox.StandardButton


def trained_toy_work(window, qtbot):
    """Unsaved trained work: the MLP trained an epoch on the circle."""
    toy_mlp(window, qtbot, "circle")
    window.training.epochs.setValue(1)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=30_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    wait_for_tasks(qtbot, window)
    assert window.workspace.session.weights is not None and window.isWindowModified()


def the_work(window):
    ws = window.workspace
    return (
        ws.document.spec,
        id(ws.session.weights),
        len(ws.runs.runs),
        ws.dataset.ref,
        ws.files.path,
        window.isWindowModified(),
        window.training.dataset.currentText(),
    )


def new(window, qtbot, tmp_path):
    click_menu(window, "File", "New")


def open_dialog(window, qtbot, tmp_path, monkeypatch):
    def no_dialog(*a, **k):
        raise AssertionError("the file dialog opened before the question was answered")

    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", no_dialog)
    click_menu(window, "File", "Open…")


def a_project(window, tmp_path):
    path = tmp_path / "other.playground"
    save_project(path, window.workspace.snapshot_project())
    return path


def open_recent(window, qtbot, tmp_path):
    path = a_project(window, tmp_path)
    window.workspace.files._add_recent(path)
    click_menu(window, "File", "Open Recent", str(path.resolve()))


def drop_a_project(window, qtbot, tmp_path):
    drop_files(window, [a_project(window, tmp_path)])


def preset(window, qtbot, tmp_path):
    click_menu(window, "Network", "Presets", "Perceptron")


def pretrained(window, qtbot, tmp_path):
    click_menu(window, "Network", "Pretrained", "ImageNet classifier (EfficientNet-Lite0)")


def lesson(window, qtbot, tmp_path):
    click_menu(window, "View", "Learn: concepts, each shown in the window")
    QTest.mouseClick(window.learn_dock.widget().buttons["Backpropagation"], LEFT)


def dataset_combo(window, qtbot, tmp_path):
    choose_in_combo(window.training.dataset, "xor")


def toy_option(window, qtbot, tmp_path):
    QTest.mouseClick(window.views.toy_options.features["x1sq"], LEFT)


def image_folder(window, qtbot, tmp_path, monkeypatch):
    folder = make_photos(tmp_path / "photos", 3)
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: str(folder)
    )
    click_menu(window, "Data set", "Add image folder…")
    qtbot.waitUntil(lambda: window.datasets.preview is not None, timeout=10_000)
    window.datasets.preview.accept()


def photo_classes(window, qtbot, tmp_path, _isolated_home):
    make_photos(_isolated_home / "photos" / "untitled", 2)
    click_menu(window, "Data set", "Classes of your photos…")
    dialog = window.datasets.classes
    qtbot.waitUntil(dialog.train.isEnabled, timeout=5_000)
    QTest.mouseClick(dialog.train, LEFT)


def make_a_run_current(window, qtbot, tmp_path):
    click_tab(window, "Runs")
    table = window.views.runs.table
    QTest.mouseClick(table.viewport(), LEFT, pos=table.visualItemRect(table.item(0, 0)).center())
    QTest.mouseClick(window.views.runs.current_button, LEFT)


ACTIONS = [
    new,
    open_dialog,
    open_recent,
    drop_a_project,
    preset,
    pretrained,
    lesson,
    dataset_combo,
    toy_option,
    image_folder,
    photo_classes,
    make_a_run_current,
]


@pytest.mark.parametrize("act", ACTIONS, ids=lambda f: f.__name__)
def test_replacing_unsaved_trained_work_asks_and_cancel_keeps_it(
    window, qtbot, tmp_path, monkeypatch, _isolated_home, act
):
    trained_toy_work(window, qtbot)
    before = the_work(window)
    seen = []
    answer_next_dialog(Button.Cancel, seen)
    extra = {"monkeypatch": monkeypatch} if "monkeypatch" in act.__code__.co_varnames else {}
    if "_isolated_home" in act.__code__.co_varnames:
        extra["_isolated_home"] = _isolated_home
    act(window, qtbot, tmp_path, **extra)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    wait_for_tasks(qtbot, window)
    assert seen[0] == "Save the changes to Untitled first?"
    assert the_work(window) == before
    assert window.banner.text() == "" or not window.banner.isVisible()


def test_discard_replaces_and_a_preset_is_one_undo_step(window, qtbot):
    """Discard goes ahead; a preset is an undoable edit, so Undo brings back the network and
    with it the trained weights (Train continues them)."""
    trained_toy_work(window, qtbot)
    ws = window.workspace
    spec, weights = ws.document.spec, ws.session.weights
    seen = []
    answer_next_dialog(Button.Discard, seen)
    click_menu(window, "Network", "Presets", "Perceptron")
    assert seen and [layer.type for layer in ws.document.spec.layers] != [
        layer.type for layer in spec.layers
    ]
    click_menu(window, "Edit", "Undo Preset Perceptron")
    assert ws.document.spec == spec and ws.session.weights is weights
    assert window.training.train_button.text() == "▶  Continue"


def test_nothing_is_asked_without_unsaved_trained_work(window, qtbot):
    """A network designed but not trained is not lost by a preset (Undo brings it back), and
    a saved project loses nothing: no question."""
    toy_mlp(window, qtbot, "circle")
    seen = []
    answer_next_dialog(Button.Cancel, seen, tries=25)
    click_menu(window, "Network", "Presets", "Perceptron")  # a question would block till answered
    assert not seen
    assert window.workspace.document.spec.layers[-1].type == "Linear"


def test_a_lessons_own_setup_goes_without_a_question_your_edits_do_not(window, qtbot):
    """What a lesson's Show me set up is not the person's work: the next lesson replaces it
    at once. Once the person edits the network, a lesson asks first."""
    ws = window.workspace
    click_menu(window, "View", "Learn: concepts, each shown in the window")
    buttons = window.learn_dock.widget().buttons
    with qtbot.waitSignal(ws.session.stepMeasured, timeout=60_000):
        QTest.mouseClick(buttons["Gradient descent"], LEFT)  # xor, one Step
    seen = []
    answer_next_dialog(Button.Cancel, seen, tries=25)
    QTest.mouseClick(buttons["Neuron"], LEFT)  # xor, trains
    qtbot.waitUntil(lambda: ws.session.state == "running", timeout=60_000)
    assert not seen
    # its 20 epochs of xor may be over before a busy machine gets to the click: Stop if not
    if window.training.stop_button.isEnabled():
        QTest.mouseClick(window.training.stop_button, LEFT)
    qtbot.waitUntil(lambda: not ws.session.busy, timeout=30_000)
    card = window.stack.card_rect(1).center()
    QTest.mouseClick(window.stack, LEFT, pos=card)
    QTest.keyClick(window.stack, Qt.Key.Key_Delete)  # the person's own edit
    edited = ws.document.spec
    answer_next_dialog(Button.Cancel, seen)
    QTest.mouseClick(buttons["Cost"], LEFT)
    assert seen == ["Save the changes to Untitled first?"]
    assert ws.document.spec == edited and ws.dataset.ref.source == "xor"


def test_a_data_set_the_network_does_not_fit_is_said_in_words(window, qtbot):
    """The digits CNN on 2-D points: the cards turn red and the window says why and what to
    do, instead of only drawing them red."""
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, "circle")
    text = window.banner.text()
    assert text.startswith("The network does not fit") and "Network ▸ Presets" in text
    click_menu(window, "Network", "Presets", "MLP")
    assert window.banner.text() == "" and window.workspace.document.report.ok
