"""A training speed to watch: the training panel's Speed slows the run to a few steps a
second (toy data trained 100 epochs in a blink), and back to full speed while it runs."""

import time

from PySide6.QtTest import QTest

from gui_helpers import LEFT, choose_in_combo, toy_mlp


def test_speed_slows_training_to_steps_a_person_can_follow(window, qtbot):
    toy_mlp(window, qtbot, "xor")
    ws, panel = window.workspace, window.training
    choose_in_combo(panel.speed, 5.0)
    assert panel.speed.currentText() == "5/s"
    panel.epochs.setValue(100)
    QTest.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: ws.session.history.last_step >= 2, timeout=30_000)
    first, began = ws.session.history.last_step, time.perf_counter()
    qtbot.wait(1500)
    rate = (ws.session.history.last_step - first) / (time.perf_counter() - began)
    assert rate <= 7  # 5 a second (reports come in batches: some slack)
    choose_in_combo(panel.speed, 0.0)
    qtbot.waitUntil(lambda: ws.session.history.last_step > first + 40, timeout=30_000)
    QTest.mouseClick(panel.stop_button, LEFT)
    qtbot.waitUntil(lambda: not ws.session.busy, timeout=30_000)
