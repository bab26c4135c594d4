"""TensorBoard event files of a training run, written with torch's SummaryWriter."""

from __future__ import annotations

from pathlib import Path

from playground.core.errors import PlaygroundError
from playground.core.training.config import TrainConfig
from playground.core.training.events import EpochMetrics, Event, StepMetrics

INSTALL_HINT = 'pip install -e ".[tensorboard]"'


class TensorBoardError(PlaygroundError):
    """TensorBoard logs that cannot be written."""


class TensorBoardLog:
    """A trainer sink writing into log_dir: the training loss and accuracy at every report
    (x: step), the validation loss and accuracy at every epoch (x: epoch), and on close the
    hyper-parameters with the last epoch's metrics (TensorBoard's HParams tab)."""

    def __init__(self, log_dir: str | Path, config: TrainConfig) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:  # torch raises it when the tensorboard package is missing
            raise TensorBoardError(f"TensorBoard logs need TensorBoard: {INSTALL_HINT}") from None
        try:
            self.writer = SummaryWriter(log_dir=str(log_dir))
        except OSError as e:
            raise TensorBoardError(f"cannot write TensorBoard logs to {log_dir}: {e}") from None
        self.config = config
        self.last: EpochMetrics | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, StepMetrics):
            self.writer.add_scalar("loss/train", event.loss, event.step)
            self.writer.add_scalar("accuracy/train", event.accuracy, event.step)
        elif isinstance(event, EpochMetrics):
            self.writer.add_scalar("loss/validation", event.val_loss, event.epoch)
            self.writer.add_scalar("accuracy/validation", event.val_accuracy, event.epoch)
            self.last = event

    def close(self) -> None:
        """Write the hyper-parameters and the final metrics, then flush the files."""
        from torch.utils.tensorboard.summary import hparams

        metrics = {}
        if self.last is not None:
            metrics = {
                "hparam/val_loss": self.last.val_loss,
                "hparam/val_accuracy": self.last.val_accuracy,
            }
        for summary in hparams(self.config.to_dict(), metrics):
            self.writer.file_writer.add_summary(summary)
        for tag, value in metrics.items():  # HParams reads the metrics from these scalars
            self.writer.add_scalar(tag, value)
        self.writer.close()
