"""Where the work of a run is shared out: one process, or (distributed.py) torchrun's ranks.
The loop asks the strategy only where the work differs (nanoGPT's `if ddp:`, Lightning's
`reduce_boolean_decision`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.core.training.controls import Controls
    from playground.core.training.trainer_view import TrainerView


class Strategy:
    """One process: nothing to share, every decision is its own."""

    interruptible = True  # a slow step may stop between its layers

    def setup(self, trainer: TrainerView) -> None:
        """Fit the trainer's data, model and reports to this strategy (its model is built)."""

    def stop(self, controls: Controls) -> None:
        """Ask the run to stop (from any thread)."""
        controls.stop()

    def any(self, flag: bool) -> bool:
        """Whether flag is true in any process."""
        return flag

    def sum(self, values: list[float]) -> list[float]:
        """values added up across the processes."""
        return values

    def mean(self, values: list[float], count: int) -> list[float]:
        """Means over count samples here made means over every process's samples."""
        return values
