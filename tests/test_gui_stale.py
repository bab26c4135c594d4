"""Nothing stale: each view clears or marks what no longer applies when its input changes."""

from PySide6.QtGui import QAction

from gui_helpers import click_tab


def test_file_new_forgets_the_plot_ranges_of_the_last_run(window, qtbot):
    """After File ▸ New the curves kept the last run's axes (steps to 600, loss to 2.3)."""
    click_tab(window, "Curves")
    curves = window.views.curves
    for plot in (curves.loss_plot, curves.acc_plot):
        plot.plotItem.getViewBox().setRange(xRange=(100, 600), yRange=(0.2, 2.3))
    window.findChild(QAction, "new").trigger()
    qtbot.waitUntil(lambda: curves.loss_plot.plotItem.getViewBox().viewRange()[0][1] < 10)
    (x0, x1), _ = curves.loss_plot.plotItem.getViewBox().viewRange()
    assert x0 <= 0 and x1 <= 10
    (x0, x1), _ = curves.acc_plot.plotItem.getViewBox().viewRange()
    assert x0 == 0.5 and x1 <= 10


def test_status_and_banner_end_with_the_state_they_described(window, qtbot):
    """The status bar said "Training on CPU" after runs ended; an error banner stayed while
    the person went on stepping."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gui_helpers import LEFT, toy_mlp

    toy_mlp(window, qtbot)
    ws = window.workspace
    with qtbot.waitSignal(ws.session.stepMeasured, timeout=30_000):
        QTest.keyClick(window, Qt.Key.Key_F10)
    assert window.statusBar().currentMessage().startswith("Training on")
    ws.error.emit("Stop training before changing this setting.")
    assert window.banner.isVisible()
    with qtbot.waitSignal(ws.session.stepMeasured, timeout=30_000):
        QTest.keyClick(window, Qt.Key.Key_F10)
    assert not window.banner.isVisible()
    QTest.mouseClick(window.training.stop_button, LEFT)
    qtbot.waitUntil(lambda: not ws.session.busy, timeout=30_000)
    assert "Training on" not in window.statusBar().currentMessage()


def test_answers_open_on_a_view_that_applies_to_the_data(window, qtbot):
    """For digits the Answers group opened on an empty Boundary tab (a 2-D points view)."""
    from PySide6.QtTest import QTest

    from gui_helpers import LEFT, NO_MOD

    qtbot.waitUntil(lambda: window.workspace.dataset is not None, timeout=30_000)
    assert window.workspace.dataset.preprocessing.kind == "image"
    groups = window.views.group_bar
    answers = next(g for g in range(groups.count()) if groups.tabText(g) == "Answers")
    QTest.mouseClick(groups, LEFT, NO_MOD, groups.tabRect(answers).center())
    assert window.views.currentWidget() is window.views.classify
