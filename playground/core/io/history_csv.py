"""A run's curves as CSV text, for spreadsheets and plotting scripts."""

from __future__ import annotations

import csv
import io

from playground.core.training.history import History

COLUMNS = ("kind", "step", "epoch", "loss", "accuracy", "val_loss", "val_accuracy")


def history_csv(history: History) -> str:
    """A 'step' row per stored point (step, training loss and accuracy; merged points have
    their mean step), then an 'epoch' row per epoch (with the validation metrics)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for step, loss, accuracy in zip(*history.steps(), strict=True):
        writer.writerow(["step", _number(step), "", _number(loss), _number(accuracy), "", ""])
    for e in history.epochs:
        writer.writerow(
            [
                "epoch",
                e.step,
                e.epoch,
                _number(e.train_loss),
                _number(e.train_accuracy),
                _number(e.val_loss),
                _number(e.val_accuracy),
            ]
        )
    return out.getvalue()


def _number(x: float) -> str:
    return f"{float(x):.8g}"  # float32 metrics hold no more digits; 'nan' for a diverged step
