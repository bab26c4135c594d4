import time

from PySide6.QtTest import QTest

from gui_helpers import LEFT, open_window


def test_close_mid_training_twenty_times(qtbot):
    for _ in range(20):
        w = open_window(qtbot, active=False)
        w.training.epochs.setValue(100)
        QTest.mouseClick(w.training.train_button, LEFT)
        qtbot.waitUntil(lambda w=w: w.workspace.session.history.last_step > 0, timeout=10_000)
        thread = w.workspace.session._worker
        started = time.perf_counter()
        assert w.close()
        assert time.perf_counter() - started < 1.0
        assert thread.isFinished()
        assert w.workspace.session._worker is None


def test_close_while_paused(qtbot):
    w = open_window(qtbot, active=False)
    QTest.mouseClick(w.training.train_button, LEFT)
    qtbot.waitUntil(lambda: w.workspace.session.history.last_step > 0, timeout=10_000)
    QTest.mouseClick(w.training.pause_button, LEFT)
    thread = w.workspace.session._worker
    assert w.close()
    assert thread.isFinished()
