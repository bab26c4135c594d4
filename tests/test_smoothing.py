"""The smoothed loss: the debiased EMA of every report, the same however long the run grows."""

import json

import numpy as np
import pytest

from playground.core.training.events import StepMetrics
from playground.core.training.history import History, smooth
from playground.core.training.smoothing import LEVELS

LOSSES = np.random.default_rng(0).random(5000) + np.linspace(3, 0.1, 5000)


def _history(reports: int, max_points: int = 64) -> History:
    h = History(max_points)
    for step in range(1, reports + 1):
        h.add_step(StepMetrics(step, 1, 0.5, LOSSES[step - 1], 0.5, 1.0, 0.0, 0.0))
    return h


@pytest.mark.parametrize("level", range(1, len(LEVELS)))
def test_smoothed_points_are_the_full_series_average_and_stay_as_the_run_grows(level):
    short, long = _history(700), _history(5000)  # the long one merged its points 6 times more
    full = smooth(LOSSES, LEVELS[level])
    for h in (short, long):
        steps, values = h.smoothed_loss(level)
        assert len(steps) <= 64
        np.testing.assert_allclose(values, full[steps.astype(int) - 1], rtol=1e-12)
    (s1, v1), (s2, v2) = short.smoothed_loss(level), long.smoothed_loss(level)
    shared = np.intersect1d(s1, s2)
    assert len(shared) >= 4
    np.testing.assert_array_equal(v1[np.isin(s1, shared)], v2[np.isin(s2, shared)])


def test_saved_and_reopened_it_goes_on_as_if_never_saved():
    h = _history(3000, 4096)  # a file keeps no max_points: the default, 4096
    back = History.from_dict(json.loads(json.dumps(h.to_dict())))
    for step in range(3001, 5001):
        m = StepMetrics(step, 1, 0.5, LOSSES[step - 1], 0.5, 1.0, 0.0, 0.0)
        h.add_step(m)
        back.add_step(m)
    (s1, v1), (s2, v2) = h.smoothed_loss(5), back.smoothed_loss(5)
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_allclose(v1, v2, rtol=5e-4)  # files keep 4 significant digits
    np.testing.assert_array_equal(v1[-1], v2[-1])  # the running average is kept exactly


def test_a_run_keeps_the_samples_of_its_part():
    h = _history(4000, 4096)
    part = h.part(2000, 256)
    steps, values = part.smoothed_loss(3)
    assert len(steps) <= 256 and steps.min() > 2000
    np.testing.assert_allclose(values, smooth(LOSSES[:4000], LEVELS[3])[steps.astype(int) - 1])
