"""The embedding projector: the validation samples placed in 2-D by what the last hidden layer
makes of them, coloured by class; misclassified samples ringed in red, strangers as stars;
hovering shows the sample, a click opens it in Classify; a slider goes back through the epochs
of the run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from playground.ui.widgets.images import array_pixmap
from playground.ui.widgets.plots import plot_widget

if TYPE_CHECKING:
    from playground.core.inspect.embedding import Embedding
    from playground.ui.state.projection import Projection

METHODS = (("PCA", "pca"), ("t-SNE", "tsne"), ("UMAP", "umap"))
# ten classes told apart at a glance (Tableau's), repeated beyond ten
CLASS_COLOURS = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
    "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC",
)  # fmt: skip
WRONG = "#C62828"
THUMB = 96


class ProjectorView(QWidget):
    """Points of a Projection; pictures(indices) gives the samples' pictures, (H, W[, 3])."""

    sampleClicked = Signal(int)  # a validation sample's index

    def __init__(self, projection: Projection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.projection = projection
        self.pictures: np.ndarray | None = None  # the validation samples as pictures, or None
        self.class_names: list[str] = []
        self.embedding: Embedding | None = None
        self.method = QComboBox()
        for title, key in METHODS:
            self.method.addItem(title, key)
        self.place_button = QPushButton("Place samples")
        self.place_button.clicked.connect(self.place)
        self.epoch = QSlider(Qt.Orientation.Horizontal)
        self.epoch.setEnabled(False)
        self.epoch.valueChanged.connect(self._epoch_moved)
        self.epoch.sliderReleased.connect(self.place)
        self.epoch_label = QLabel("current weights")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.message = QLabel("Train a network, then place its validation samples.")
        self.message.setWordWrap(True)
        self.plot = plot_widget("Validation samples by the last hidden layer")
        self.plot.setAspectLocked(False)
        self.scatter = pg.ScatterPlotItem(size=7, hoverable=True, tip=None)
        self.scatter.sigClicked.connect(self._clicked)
        self.scatter.sigHovered.connect(self._hovered)
        self.plot.addItem(self.scatter)
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB, THUMB)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb_text = QLabel("Hover over a point to see its sample; click to classify it.")
        self.thumb_text.setWordWrap(True)
        self.thumb_text.setFixedWidth(150)
        self._layout()
        projection.placed.connect(self.show_embedding)
        projection.failed.connect(self._failed)
        projection.epochsChanged.connect(self._epochs)

    def _layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Method"))
        controls.addWidget(self.method)
        controls.addWidget(self.place_button)
        controls.addWidget(QLabel("Epoch"))
        controls.addWidget(self.epoch, 1)
        controls.addWidget(self.epoch_label)
        side = QVBoxLayout()
        side.addWidget(self.thumb)
        side.addWidget(self.thumb_text)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.plot, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.progress)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)

    def set_samples(self, pictures: np.ndarray | None, class_names: list[str]) -> None:
        """The validation samples' pictures (None for points) and the class names."""
        self.pictures, self.class_names = pictures, class_names
        self.clear()

    def clear(self) -> None:
        self.embedding = None
        self.scatter.clear()
        self.thumb.clear()

    def place(self) -> None:
        """Place the samples by the chosen method and epoch's weights."""
        epochs = self._epochs_kept()
        at_end = not epochs or self.epoch.value() >= len(epochs)
        epoch = None if at_end else epochs[self.epoch.value()]
        if self.projection.compute(self.method.currentData(), epoch) is not None:
            self.progress.show()
            self.message.setText("Placing the samples…")

    def _epochs_kept(self) -> list[int]:
        return sorted(self.projection.snapshots)

    def _epochs(self, epochs: list[int]) -> None:
        """The slider's stops: each epoch kept, then the current weights."""
        self.epoch.blockSignals(True)
        self.epoch.setRange(0, len(epochs))
        self.epoch.setValue(len(epochs))
        self.epoch.blockSignals(False)
        self.epoch.setEnabled(len(epochs) > 0)
        self._show_epoch(len(epochs))
        if not epochs and self.projection.embedding is None:
            self.clear()

    def _show_epoch(self, value: int) -> None:
        epochs = self._epochs_kept()
        at_end = value >= len(epochs)
        self.epoch_label.setText("current weights" if at_end else f"after epoch {epochs[value]}")

    def _epoch_moved(self, value: int) -> None:
        self._show_epoch(value)
        if not self.epoch.isSliderDown() and self.embedding is not None:
            self.place()  # keys and clicks on the track: at once; a drag: when released

    def _failed(self, text: str) -> None:
        self.progress.hide()
        self.message.setText(text)

    def show_embedding(self, embedding: Embedding, epoch: int | None) -> None:
        self.progress.hide()
        self.embedding = embedding
        wrong, strange = embedding.misclassified, embedding.strangers
        brushes = [pg.mkBrush(CLASS_COLOURS[c % len(CLASS_COLOURS)]) for c in embedding.labels]
        pens = [pg.mkPen(WRONG, width=2) if w else pg.mkPen(None) for w in wrong]
        symbols = ["star" if s else "o" for s in strange]
        sizes = np.where(strange, 13, np.where(wrong, 9, 7))
        self.scatter.setData(
            x=embedding.xy[:, 0],
            y=embedding.xy[:, 1],
            brush=brushes,
            pen=pens,
            symbol=symbols,
            size=sizes,
            data=np.arange(len(embedding.labels)),
        )
        self.plot.autoRange()
        weights = "the current weights" if epoch is None else f"the weights after epoch {epoch}"
        self.message.setText(
            f"{len(wrong)} samples by {embedding.method.upper()} of {weights}: a 5-nearest-"
            f"neighbour vote in the plane agrees with the label for "
            f"{embedding.neighbour_agreement():.0%}. Red rings: answered wrong "
            f"({int(wrong.sum())}); stars: strangers ({int(strange.sum())})."
        )

    def _point_index(self, points: list) -> int | None:
        if not len(points) or self.embedding is None:
            return None
        return int(points[0].data())

    def _hovered(self, item: object, points: list, event: object) -> None:
        i = self._point_index(points)
        if i is None:
            return
        e = self.embedding
        sample = int(e.indices[i])
        if self.pictures is not None:
            self.thumb.setPixmap(array_pixmap(self.pictures[sample], THUMB))
        names = self.class_names
        label, answer = names[e.labels[i]], names[e.predicted[i]]
        verdict = "right" if label == answer else f"wrong: answered {answer}"
        self.thumb_text.setText(f"Sample {sample}: {label} ({verdict})")

    def _clicked(self, item: object, points: list, event: object) -> None:
        i = self._point_index(points)
        if i is not None:
            self.sampleClicked.emit(int(self.embedding.indices[i]))
