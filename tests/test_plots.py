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
