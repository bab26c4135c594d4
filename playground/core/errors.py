"""Errors the core raises: each carries one plain sentence meant for the user."""

from __future__ import annotations


class PlaygroundError(Exception):
    """Base for every error the user should see as a message, not a traceback."""


def one_line(e: BaseException) -> str:
    """What went wrong, in one line for the user: a PlaygroundError's own sentence, else the
    exception's type and text (the log has the traceback)."""
    return str(e) if isinstance(e, PlaygroundError) else f"{type(e).__name__}: {e}"


class SpecError(PlaygroundError):
    """A network spec or file that cannot be read or is not valid."""


class ShapeError(PlaygroundError):
    """A layer whose input does not fit; says the problem and the fix."""

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}: {fix}" if fix else problem)


class DatasetError(PlaygroundError):
    """A data set that cannot be found or read."""


class ProjectError(PlaygroundError):
    """A project file that cannot be read or written."""


class WeightsError(PlaygroundError):
    """Pretrained weights that are not installed or do not fit their network."""
