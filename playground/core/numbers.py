"""Numbers as a learner reads them: significant digits, not fixed decimals.

A gradient of a trained network is about 1e-9; with four fixed decimals it read 0.0000, and a
step's loss read "0.0000 → 0.0000". Every number the window or the command line shows goes
through here: 1.8e-10, 0.0123, 550, and durations under a second in ms."""

from __future__ import annotations

import math

import numpy as np

DIGITS = 3
PLAIN = (1e-3, 1e6)  # |x| in this range is written without an exponent
MOST_DIGITS = 7  # apart() gives up telling two numbers apart beyond this


def number(x: float, digits: int = DIGITS, signed: bool = False) -> str:
    """x with digits significant digits: 0.0123, 550, 12346, 1.8e-10 (no trailing zeros)."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return ("-" if x < 0 else "+" if signed else "") + "∞"
    if x == 0:
        return "0"
    sign = "+" if signed and x > 0 else ""
    magnitude = math.floor(math.log10(abs(x)))
    if PLAIN[0] <= abs(x) < PLAIN[1]:
        decimals = max(0, digits - 1 - magnitude)
        text = f"{x:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return sign + text
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{sign}{mantissa}e{int(exponent)}"


def apart(a: float, b: float, digits: int = DIGITS) -> tuple[str, str]:
    """a and b with the fewest digits (at least digits) that make them read differently where
    they differ: a loss of 2.30258 → 2.30251, not 2.3 → 2.3."""
    for d in range(digits, MOST_DIGITS + 1):
        pair = number(a, d), number(b, d)
        if pair[0] != pair[1] or a == b:
            return pair
    return pair


def scaled(values: np.ndarray) -> tuple[np.ndarray, str]:
    """values divided by a power of ten when they are all tiny (or huge), and the note that
    says it once for the whole table ("× 1e-9"); else values as they are and ""."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    if top == 0 or PLAIN[0] * 10 <= top < PLAIN[1] / 10:
        return values, ""
    exponent = math.floor(math.log10(top))
    return values / 10.0**exponent, f"× 1e{exponent}"


def counted(n: int, noun: str) -> str:
    """1 epoch, 3 epochs: the noun in the number the count needs."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def duration(seconds: float) -> str:
    """340 ms, 4.2 s, 12 s, 2 min 05 s."""
    if seconds < 1:
        return f"{number(seconds * 1000, 2)} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def validation_score(score: float, regression: bool) -> str:
    """A run's validation score as the curves name it: 'validation accuracy 97.5%' for
    classes, 'validation R² 0.93' for a number (R² is no percentage; it can be below 0)."""
    return f"validation R² {score:.2f}" if regression else f"validation accuracy {score:.1%}"
