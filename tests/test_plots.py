"""The live plots' view ranges: they follow the data in jumps, so their axes are rarely redrawn."""

import pytest

from playground.ui.widgets.plots import sticky_range


def test_range_holds_while_the_data_stay_inside_and_fill_half():
    assert sticky_range((0.0, 10.0), 1.0, 8.0, 0.02, 0.25) == (0.0, 10.0)


def test_range_jumps_ahead_when_the_data_leave_it():
    lo, hi = sticky_range((0.0, 10.0), 0.0, 12.0, 0.02, 0.5)
    assert lo == pytest.approx(-0.24) and hi == pytest.approx(18.0)


def test_range_keeps_points_off_the_edge():
    # a dot drawn exactly on the border would be cut in half
    assert sticky_range((0.0, 10.0), 0.5, 10.0, 0.02, 0.25) != (0.0, 10.0)


def test_range_zooms_in_when_the_data_shrink():
    lo, hi = sticky_range((0.0, 10.0), 2.0, 4.0, 0.08, 0.08)
    assert lo == pytest.approx(1.84) and hi == pytest.approx(4.16)


def test_flat_data_get_a_range():
    lo, hi = sticky_range((0.0, 0.0), 2.3, 2.3, 0.08, 0.08)
    assert lo < 2.3 < hi


def test_an_epoch_axis_starts_at_the_first_epoch(qtbot):
    """The epoch axis of a 1-epoch run started at -3; a run has no epoch before the first."""
    import pyqtgraph as pg

    from playground.ui.widgets.plots import FollowRange, plot_widget

    w = plot_widget()
    qtbot.addWidget(w)
    follow = FollowRange(w.plotItem, y_range=(0, 1), first_x=1)
    w.plot([1], [0.9], symbol="o")
    follow.update(x_end=1)
    (x0, x1), _ = w.plotItem.getViewBox().viewRange()
    assert 0.5 <= x0 < 1 < x1 <= 2
    w.plot([1, 2, 3], [0.9, 0.95, 0.97])
    follow.update(x_end=3)
    (x0, x1), _ = w.plotItem.getViewBox().viewRange()
    assert 0.5 <= x0 < 1 and 3 < x1 < 3.5
    assert isinstance(w, pg.PlotWidget)


def test_gradient_lines_never_bridge_a_long_gap():
    """The vanishing-gradient plot joined distant samples with straight lines."""
    import numpy as np

    from playground.ui.views.gradients_view import joined

    steps = np.array([10, 20, 30, 40, 400, 410, 420])
    assert joined(steps).tolist() == [True, True, True, False, True, True, True]
    assert joined(np.array([5])).tolist() == [True]
