"""The one guard of the work: every action that replaces or invalidates the network, its trained
weights or its runs (New, Open, a dropped project, a preset, a pretrained network, a lesson,
another data set) asks it first. The window's guard asks "Save the changes to NAME first?"
when unsaved work would be lost; without a window (scripts, benchmarks) nothing is asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

WHOLE = "whole"  # the network, its weights, runs and settings are replaced
WEIGHTS = "weights"  # the network stays (or changes as an undoable edit): trained weights go


class Guard(Protocol):
    def confirm(self, what: str, then: Callable[[], None], loses: str = WHOLE) -> bool:
        """Run then() once nothing unsaved would be lost (unchanged, saved or discarded);
        False when the person cancelled. what: the action, as a sentence's subject."""
        ...


class Proceed:
    """The guard where nobody can be asked: it goes ahead."""

    def confirm(self, what: str, then: Callable[[], None], loses: str = WHOLE) -> bool:
        then()
        return True
