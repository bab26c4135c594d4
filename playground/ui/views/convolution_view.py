"""Convolution, animated: one filter slides over one input, the output map fills in, and the
dot product at the current position is written out with its numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.model.spec import card_name
from playground.ui.state.tasks import stateless
from playground.ui.views.convolution_text import dot_product_text
from playground.ui.widgets.plots import DIVERGING
from playground.ui.widgets.scroll import scrolled

if TYPE_CHECKING:
    from playground.core.inspect.convolution import ConvWalk
    from playground.ui.state.document import NetworkDocument
    from playground.ui.state.session import TrainingSession
    from playground.ui.state.tasks import TaskSlot

GRAY = pg.colormap.get("CET-L1")
FRAME = pg.mkPen("#E07B22", width=2)
UNREACHED = (236, 239, 242, 255)


IMAGES_MIN_H = 150


class ConvolutionView(QWidget):
    def __init__(
        self,
        session: TrainingSession,
        document: NetworkDocument,
        slot: TaskSlot,
        parent: QWidget | None = None,
    ) -> None:
        """slot: where the walks are computed (the newest choices' walk; older ones are
        dropped)."""
        super().__init__(parent)
        self.session, self.document = session, document
        self.walk: ConvWalk | None = None
        self._walking = slot
        self.sample: np.ndarray | None = None  # normalised C×H×W: the input slid over
        self._samples: np.ndarray | None = None
        self.layer, self.filter, self.sample_index = QComboBox(), QSpinBox(), QSpinBox()
        self.filter.setPrefix("filter ")
        self.filter.setMinimum(1)  # counted from 1, as channels and layers are
        self.sample_index.setPrefix("validation sample ")
        self.play = QPushButton("Pause")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.position = QSlider(Qt.Orientation.Horizontal)  # scrub through the positions
        self.speed.setRange(1, 60)
        self.speed.setValue(8)
        self.speed.setToolTip("Positions per second")
        self.note, self.numbers = QLabel(), QLabel()
        self.note.setObjectName("explanation")
        self.note.setWordWrap(True)
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._advance)
        self._build()
        self._wire()
        self._layers_changed()

    def _build(self) -> None:
        self.images = pg.GraphicsLayoutWidget()
        self.images.setBackground("w")
        titles = ("input, channel 1 (with its zero border)", "filter, channel 1", "output map")
        for title in titles:
            self.images.addLabel(title, color="#4A5560", size="9pt")
        self.images.nextRow()
        boxes = []
        for _ in titles:
            box = self.images.addViewBox(
                lockAspect=True, invertY=True, enableMouse=False, enableMenu=False
            )
            boxes.append(box)
        self.input_image, self.kernel_image, self.output_image = items = [
            pg.ImageItem() for _ in boxes
        ]
        for box, item in zip(boxes, items, strict=True):
            box.addItem(item)
        self.input_image.setColorMap(GRAY)
        self.kernel_image.setColorMap(DIVERGING)
        self.output_image.setColorMap(DIVERGING)
        self.window = pg.QtWidgets.QGraphicsRectItem()
        self.window.setPen(FRAME)
        self.spot = pg.QtWidgets.QGraphicsRectItem()
        self.spot.setPen(FRAME)
        boxes[0].addItem(self.window)
        self.unreached = pg.ImageItem()  # covers the positions the filter has not reached
        boxes[2].addItem(self.unreached)
        boxes[2].addItem(self.spot)
        top = QHBoxLayout()
        for label, widget in (
            ("Layer", self.layer),
            ("", self.filter),
            ("Input", self.sample_index),
        ):
            if label:
                top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addStretch(1)
        controls = QHBoxLayout()
        controls.addWidget(self.play)
        controls.addWidget(QLabel("Speed"))
        controls.addWidget(self.speed)
        controls.addWidget(QLabel("Position"))
        controls.addWidget(self.position, 2)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(top)
        inner.addWidget(self.note)
        inner.addWidget(self.images, 1)
        inner.addWidget(self.numbers)
        # the pictures keep a size that reads; where the window is short (1024×700) the page
        # scrolls instead of squeezing them to a line or making the window taller
        self.images.setMinimumHeight(IMAGES_MIN_H)
        scroll = scrolled(content)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(controls)

    def _wire(self) -> None:
        self.layer.currentIndexChanged.connect(self._layer_chosen)
        self.filter.valueChanged.connect(self._ask)
        self.sample_index.valueChanged.connect(self._use_dataset_sample)
        self.play.clicked.connect(self._toggle_play)
        self.speed.valueChanged.connect(self._set_speed)
        self.position.valueChanged.connect(self._show_position)
        self.document.changed.connect(self._layers_changed)
        self.session.weightsChanged.connect(self._ask)
        # a run's first weights: something to show before the run ends (then: weightsChanged)
        self.session.snapshotTaken.connect(self._snapshot)
        self._set_speed(self.speed.value())

    # --- choices ----------------------------------------------------------------------------
    def set_dataset_samples(self, samples: np.ndarray | None) -> None:
        """The validation images (normalised N×C×H×W) to pick from; None for other data."""
        self._samples = samples
        self.sample_index.setEnabled(samples is not None)
        self.sample_index.setMaximum(len(samples) - 1 if samples is not None else 0)
        self._use_dataset_sample()

    def use_image(self, sample: np.ndarray, label: str) -> None:
        """Slide over this picture (the last classified image) instead of a data set sample."""
        self.sample = sample
        self._source = label
        self._ask()

    def _use_dataset_sample(self, *_: object) -> None:
        samples = self._samples
        self.sample = None if samples is None else samples[self.sample_index.value()]
        self._source = f"validation sample {self.sample_index.value()}"
        self._ask()

    def _layers_changed(self, *_: object) -> None:
        """The network's convolution layers, by card name, with their number of filters."""
        spec = self.document.spec
        convs = [
            (card_name(spec, i), x.params["out_channels"])
            for i, x in enumerate(spec.layers)
            if x.type == "Conv2d"
        ]
        names = [n for n, _ in convs]
        items = [
            (self.layer.itemText(i), self.layer.itemData(i)) for i in range(self.layer.count())
        ]
        if items != convs:
            current = self.layer.currentText()
            self.layer.blockSignals(True)
            self.layer.clear()
            for name, filters in convs:
                self.layer.addItem(name, filters)
            self.layer.setCurrentIndex(max(0, names.index(current) if current in names else 0))
            self.layer.blockSignals(False)
            self._layer_chosen()

    def _layer_chosen(self, *_: object) -> None:
        filters = self.layer.currentData()
        self.filter.setMaximum(max(filters or 1, 1))
        self._ask()

    # --- computing ---------------------------------------------------------------------------
    def _snapshot(self, *_: object) -> None:
        """A run's new weights, while no walk is shown yet: the first that can be made is
        (snapshots come faster than a walk is made on a busy machine)."""
        if self.walk is None and not self._walking.busy:
            self._ask()

    def _ask(self, *_: object) -> None:
        """Compute the walk for the current choices from the newest weights, as a task."""
        if not self.isVisible():
            return
        s, doc = self.session, self.document
        weights, layer = s.weights_for(doc.spec), self.layer.currentText()
        why = self._missing(weights, layer)
        if why:
            self._walking.cancel()
            self.walk = None
            self.note.setText(why)
            self._clear()
            return
        from playground.core.inspect.convolution import snapshot_walk

        index = self.filter.value() - 1  # counted from 1 on screen
        args = (s.spec, doc.num_classes, weights, layer, index, self.sample)
        task = self._walking.start("Sliding the filter", stateless(snapshot_walk), *args)
        task.done.connect(self._take)

    def _missing(self, weights, layer: str) -> str:
        if not layer:
            return (
                "This network has no Conv2d layer: add one (or load LeNet-5) to see a filter slide."
            )
        if self.sample is None:
            return "The convolution animation needs image data: choose MNIST or an image folder."
        if weights is None:
            return "Train the network (or press Step) to slide its learned filters."
        return ""

    def _take(self, walk: ConvWalk) -> None:
        self.walk = walk
        c, k = walk.kernel.shape[0], walk.kernel.shape[-1]
        h, w = walk.output.shape
        self.note.setText(
            f"Filter {self.filter.value()} of {walk.layer} ({c} channel{'s' * (c > 1)}, "
            f"{k}×{k}, stride {walk.stride}, padding {walk.padding}) over {self._source}: "
            f"{h}×{w} positions. At each one: Σ kernel × patch + bias."
        )
        m = float(np.abs(walk.kernel).max()) or 1.0
        self.kernel_image.setImage(walk.kernel[0], autoLevels=False, levels=(-m, m))
        self.input_image.setImage(walk.padded[0], autoLevels=True)
        self.position.setRange(0, walk.positions - 1)
        self._show_position(self.position.value())
        if self.play.text() == "Pause":
            self._set_speed(self.speed.value())

    # --- the animation ---------------------------------------------------------------------------
    def _toggle_play(self) -> None:
        playing = self.play.text() == "Pause"
        self.play.setText("Play" if playing else "Pause")
        self._set_speed(self.speed.value())

    def _set_speed(self, per_second: int) -> None:
        self.timer.setInterval(int(1000 / per_second))
        running = self.play.text() == "Pause" and self.walk is not None and self.isVisible()
        self.timer.start() if running else self.timer.stop()

    def _advance(self) -> None:
        if self.walk is not None:
            self.position.setValue((self.position.value() + 1) % self.walk.positions)

    def _show_position(self, position: int) -> None:
        walk = self.walk
        if walk is None:
            return
        r, c = walk.place(position)
        k, s = walk.kernel.shape[-1], walk.stride
        self.window.setRect(c * s, r * s, k, k)
        self.spot.setRect(c, r, 1, 1)
        m = float(np.abs(walk.output).max()) or 1.0
        self.output_image.setImage(walk.output, autoLevels=False, levels=(-m, m))
        cover = np.zeros((walk.positions, 4), dtype=np.uint8)
        cover[position + 1 :] = UNREACHED  # the map fills in as the filter slides
        self.unreached.setImage(cover.reshape(*walk.output.shape, 4), autoLevels=False)
        self.numbers.setText(dot_product_text(walk, position))

    def _clear(self) -> None:
        self.timer.stop()
        for item in (self.input_image, self.kernel_image, self.output_image, self.unreached):
            item.clear()
        self.numbers.clear()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._ask()
        self._set_speed(self.speed.value())

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.timer.stop()  # no animation off screen
