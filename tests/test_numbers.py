"""Core: every number a learner reads has significant digits, never a row of zeros."""

import numpy as np
import pytest

from playground.core.numbers import apart, counted, duration, number, scaled


@pytest.mark.parametrize(
    "x, text",
    [
        (0, "0"),
        (1.8e-10, "1.8e-10"),
        (-2.5e-9, "-2.5e-9"),
        (0.012345, "0.0123"),
        (0.5, "0.5"),
        (2.302585, "2.3"),
        (550.2, "550"),
        (12345.6, "12346"),
        (3.2e7, "3.2e7"),
        (1.0, "1"),
        (float("nan"), "nan"),
        (float("inf"), "∞"),
    ],
)
def test_significant_digits_not_fixed_decimals(x, text):
    assert number(x) == text


def test_signed_and_more_digits():
    assert number(1.8e-10, signed=True) == "+1.8e-10"
    assert number(-0.25, signed=True) == "-0.25"
    assert number(0, signed=True) == "0"
    assert number(2.302585, digits=5) == "2.3026"


def test_two_numbers_read_apart_where_they_differ():
    """The Step line read "loss 0.0000 → 0.0000"; close values get the digits that part them."""
    assert apart(2.302585, 2.302512) == ("2.3026", "2.3025")
    assert apart(3.1e-9, 2.9e-9) == ("3.1e-9", "2.9e-9")
    assert apart(0.5, 0.25) == ("0.5", "0.25")
    assert apart(1.0, 1.0) == ("1", "1")


def test_a_table_of_tiny_values_says_its_scale_once():
    values, note = scaled(np.array([1.8e-9, -3.2e-10, 0.0]))
    assert note == "× 1e-9"
    assert np.allclose(values, [1.8, -0.32, 0.0])
    same, none = scaled(np.array([0.5, -2.0]))
    assert none == "" and np.allclose(same, [0.5, -2.0])
    big, note = scaled(np.array([123456.0, 5.0]))
    assert note == "× 1e5" and np.allclose(big, [1.23456, 5e-5])
    zeros, nothing = scaled(np.zeros(3))
    assert nothing == "" and not zeros.any()


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0.0004, "0.4 ms"),
        (0.012, "12 ms"),
        (0.34, "340 ms"),
        (4.25, "4.2 s"),
        (12.4, "12 s"),
        (125, "2 min 05 s"),
        (3725, "62 min 05 s"),
    ],
)
def test_durations_under_a_second_read_in_ms(seconds, text):
    assert duration(seconds) == text


def test_counts_name_their_noun_in_its_number():
    assert [counted(n, "epoch") for n in (0, 1, 2)] == ["0 epochs", "1 epoch", "2 epochs"]
