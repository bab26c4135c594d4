"""The export formats: what each writes and its file name ending. No torch here: the window's
menus list them before PyTorch has loaded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportFormat:
    key: str
    title: str  # as a menu names it
    suffix: str

    @property
    def file_filter(self) -> str:
        return f"{self.title} (*{self.suffix})"


FORMATS = {
    f.key: f
    for f in (
        ExportFormat("onnx", "ONNX model", ".onnx"),
        ExportFormat("torchscript", "TorchScript model", ".pt"),
        ExportFormat("python", "PyTorch script", ".py"),
        ExportFormat("ddp", "Training script for a cluster (torchrun)", ".py"),
    )
}
