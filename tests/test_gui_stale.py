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
