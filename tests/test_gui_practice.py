"""The Practice panel driven with mouse and keyboard: a challenge from the list to a pass, and
a 'predict, then run' challenge with its hints and a solution shown (and marked so)."""

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from test_gui_canvas import click_card
from test_gui_main_window import set_spin

from gui_helpers import LEFT, NO_MOD, answer_next_dialog, wait_for_tasks
from playground.core.practice.challenge import find_challenge
from playground.core.practice.grade import start_project


def _open_practice(window, qtbot, name):
    """F2, then a click on the challenge's row; the panel."""
    QTest.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(window.practice_dock.isVisible)
    panel = window.practice_dock.widget()
    panel.tree.scrollToItem(panel.item(name))  # as the learner scrolls down the list
    rect = panel.tree.visualItemRect(panel.item(name))
    QTest.mouseClick(panel.tree.viewport(), LEFT, NO_MOD, rect.center())
    assert panel.current.name == name
    return panel


def _load(window, qtbot, panel, name):
    QTest.mouseClick(panel.load_button, LEFT)
    start = start_project(find_challenge(name))
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.dataset.ref == start.dataset, timeout=30_000)
    wait_for_tasks(qtbot, window)
    assert ws.document.spec == start.spec and ws.config == start.config


def _check(qtbot, panel):
    QTest.mouseClick(panel.check_button, LEFT)
    qtbot.waitUntil(lambda: panel.check_button.text() == "Check", timeout=60_000)
    return panel.verdict.text(), panel.checks.text().splitlines()


def _train(window, qtbot):
    ws = window.workspace
    QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: ws.session.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not ws.session.busy, timeout=120_000)


def test_a_challenge_from_the_list_to_a_pass(window, qtbot, _isolated_home):
    name = "descent-tiny-steps"
    panel = _open_practice(window, qtbot, name)
    assert panel.goal.text().startswith("With plain SGD and at most 3 epochs")
    _load(window, qtbot, panel, name)

    verdict, lines = _check(qtbot, panel)  # nothing trained yet
    assert verdict == "Not yet: 1 check to go."
    assert lines[-1].startswith("✗ Loss on the validation data at most 0.1: your network has no")

    lr = window.training.lr  # 0.0001 creeps: a thousand times larger
    QTest.mouseClick(lr, LEFT)
    QTest.keyClick(lr, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(lr, "0.1")
    QTest.keyClick(lr, Qt.Key.Key_Return)
    assert window.workspace.config.lr == 0.1
    _train(window, qtbot)
    verdict, lines = _check(qtbot, panel)
    assert verdict == "Passed.", lines
    assert len(lines) == 4 and all(line.startswith("✓") for line in lines)
    assert panel.item(name).text(0).endswith("✓")

    # Load again over the trained work: the guard asks first; Cancel keeps the work
    seen = []
    answer_next_dialog(QMessageBox.StandardButton.Cancel, seen)
    QTest.mouseClick(panel.load_button, LEFT)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0].startswith("Save the changes to")
    assert window.workspace.config.lr == 0.1 and window.workspace.session.weights is not None

    saved = json.loads((_isolated_home / "practice.json").read_text())
    record = saved["challenges"][name]
    assert record["attempts"] == 2 and record["passed"] and not record["with_solution"]
    assert record["best"]["val_loss"] < 0.1


def test_predict_then_run_with_hints_and_the_solution_shown(window, qtbot):
    name = "activation-none"
    panel = _open_practice(window, qtbot, name)
    box = panel.predict
    assert box.isVisible() and not panel.load_button.isEnabled()  # predict first
    buttons = box.group.buttons()
    assert [b.text() for b in buttons][1] == "one straight line"
    # a circle: wrong (clicked on its circle: a wide button's middle is past its text)
    QTest.mouseClick(buttons[0], LEFT, NO_MOD, QPoint(8, buttons[0].height() // 2))
    assert box.lock_button.isEnabled()
    QTest.mouseClick(box.lock_button, LEFT)
    assert not buttons[1].isEnabled() and panel.load_button.isEnabled()

    QTest.mouseClick(panel.hint_button, LEFT)
    assert panel.hints.text().startswith("Hint 1: Look at the cards")
    assert panel.hint_button.text() == "Hint (1 left)"

    seen = []
    answer_next_dialog(QMessageBox.StandardButton.Yes, seen)
    QTest.mouseClick(panel.solution_button, LEFT)
    qtbot.waitUntil(lambda: panel.solution.isVisible())
    assert "Linear 8 neurons → Linear 8 neurons → Linear 2 neurons" in panel.solution.text()
    assert "counts as passed with the solution" in seen[0]

    _load(window, qtbot, panel, name)
    _train(window, qtbot)
    verdict, _ = _check(qtbot, panel)
    assert verdict == "Passed with the solution shown."
    assert box.verdict.text().startswith("Not quite: the answer is “one straight line”.")
    assert panel.item(name).text(0).endswith("✓ (with solution)")


def test_a_branching_challenge_is_mended_on_the_canvas_and_passes(window, qtbot):
    name = "skip-same-shape"
    panel = _open_practice(window, qtbot, name)
    box = panel.predict
    right = box.group.buttons()[0]  # "the network cannot run until both inputs have …"
    QTest.mouseClick(right, LEFT, NO_MOD, QPoint(8, right.height() // 2))
    QTest.mouseClick(box.lock_button, LEFT)
    _load(window, qtbot, panel, name)
    canvas = window.canvas
    assert window.network.showing_graph and canvas.isVisible()
    assert canvas.cards["add"].card.error and "16" in canvas.card_text("add")
    assert not window.training.train_button.isEnabled()
    # The branch's Linear layer given 16 outputs, by a click on its card and the inspector.
    click_card(canvas, "fc2")
    set_spin(window.inspector.editors["out_features"], 16)
    assert not canvas.cards["add"].card.error and "✓ ready to train" in canvas.footer
    _train(window, qtbot)
    verdict, lines = _check(qtbot, panel)
    assert verdict == "Passed.", lines
    assert "✓ A skip connection: your network has 1 skip connection" in lines
    assert box.verdict.text().startswith("You predicted it.")
