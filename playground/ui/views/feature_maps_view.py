"""Feature maps: what every conv and pooling layer makes of one picture."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.mosaic import mosaic
from playground.core.training.events import Probe
from playground.ui.widgets.live_view import LiveView
from playground.ui.widgets.scroll import scrolled

MAX_MAPS = 16


LAYER_MIN_H = 130  # a layer's title and its tiles, two rows of them still legible


class FeatureMapsView(LiveView):
    sampleChanged = Signal()  # the picture to probe changed: ask the trainer again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample_index = QSpinBox()
        self.sample_index.setRange(0, 0)
        self.sample_index.setPrefix("validation sample ")
        self.sample_index.valueChanged.connect(self._use_dataset_sample)
        self.source = QLabel()
        self.source.setWordWrap(True)  # long lines must not widen the tab (and the splitter)
        self.source.setObjectName("explanation")
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground("w")
        self.sample: np.ndarray | None = None  # normalised C×H×W the trainer runs
        self.layers: list[tuple[str, np.ndarray]] = []
        top = QHBoxLayout()
        top.addWidget(self.sample_index)
        top.addWidget(self.source, 1)
        # many layers (a ResNet's six convolutions) scroll rather than shrink to their titles
        scroll = scrolled(self.plots)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self._dataset_samples: np.ndarray | None = None
        self._layout: list[tuple[str, tuple[int, ...]]] = []
        self._images: list[pg.ImageItem] = []

    def set_dataset_samples(self, samples: np.ndarray | None) -> None:
        """The validation images (N×C×H×W, normalised), or None for non-image data."""
        self._dataset_samples = samples
        self.sample_index.setEnabled(samples is not None)
        self.sample_index.setMaximum(len(samples) - 1 if samples is not None else 0)
        self._use_dataset_sample()

    def use_image(self, sample: np.ndarray, label: str) -> None:
        """Probe this picture (the last classified image) instead of a data set sample."""
        self.sample = sample
        self.source.setText(f"Showing {label}. Pick a sample number to go back to the data set.")
        self.sampleChanged.emit()

    def _use_dataset_sample(self, *_: object) -> None:
        if self._dataset_samples is None:
            self.sample = None
            self.source.setText("Feature maps need image data and a Conv2d or pooling layer.")
        else:
            self.sample = self._dataset_samples[self.sample_index.value()]
            self.source.setText(
                "Each tile is one channel: bright where the layer's filter found its pattern."
            )
        self.sampleChanged.emit()

    def render_blank(self) -> None:
        self.plots.clear()
        self.plots.setMinimumHeight(0)
        self._layout, self._images, self.layers = [], [], []
        self.plots.addLabel(
            "Train the network (or open a trained project) to see what each layer makes of "
            "this picture.",
            color="#5F6B76",
        )

    def render(self, probe: Probe) -> None:
        if probe.feature_maps is None:
            return
        self.layers = probe.feature_maps
        layout = [(name, maps.shape) for name, maps in self.layers]
        if layout != self._layout:
            self._build_plots(layout)  # rebuilding every render took ~120 ms for LeNet-5
        for image, (_, maps) in zip(self._images, self.layers, strict=True):
            shown = maps[:MAX_MAPS]
            lo, hi = float(shown.min()), float(shown.max())
            tiles = [(m - lo) / ((hi - lo) or 1.0) for m in shown]
            image.setImage(mosaic(tiles, 8, fill=0.0), levels=(0, 1))

    def _build_plots(self, layout: list[tuple[str, tuple[int, ...]]]) -> None:
        """One plot per layer, titled with its map count and size."""
        self.plots.clear()
        self._layout, self._images = layout, []
        self.plots.setMinimumHeight(LAYER_MIN_H * len(layout))
        for name, shape in layout:
            # A bare ViewBox: a PlotItem (axes, menus) took ~25 ms to build per layer.
            title = f"{name}: {shape[0]} maps of {shape[1]}×{shape[2]}"
            self.plots.addLabel(title, color="#1F2328")
            self.plots.nextRow()
            box = self.plots.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
            image = pg.ImageItem()
            box.addItem(image)
            self._images.append(image)
            self.plots.nextRow()
