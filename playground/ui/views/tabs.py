"""The tabs of live views, fed from the training session; probes asked only for visible views."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QTabWidget, QWidget

from playground.ui.state.session import TrainingSession
from playground.ui.views.boundary_view import BoundaryView
from playground.ui.views.confusion_view import ConfusionView
from playground.ui.views.curves_view import CurvesView
from playground.ui.views.feature_maps_view import FeatureMapsView
from playground.ui.views.filters_view import FiltersView
from playground.ui.views.gradients_view import GradientsView
from playground.ui.views.weights_view import WeightsView

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.core.inference import Prediction


class ViewTabs(QTabWidget):
    def __init__(
        self,
        session: TrainingSession,
        curves: CurvesView,
        classify: QWidget,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.dataset: Dataset | None = None
        self.curves, self.classify = curves, classify
        self.weights, self.filters = WeightsView(), FiltersView()
        self.feature_maps, self.boundary = FeatureMapsView(), BoundaryView()
        self.confusion, self.gradients = ConfusionView(), GradientsView()
        for widget, title in (
            (curves, "Curves"),
            (self.weights, "Weights"),
            (self.filters, "Filters"),
            (self.feature_maps, "Feature maps"),
            (self.boundary, "Decision boundary"),
            (self.confusion, "Confusion"),
            (self.gradients, "Gradients"),
            (classify, "Classify"),
        ):
            self.addTab(widget, title)
        for view in (self.weights, self.filters, self.gradients):
            session.snapshotTaken.connect(view.offer)
        session.evaluated.connect(self.confusion.offer)
        for view in (self.feature_maps, self.boundary):
            session.probed.connect(view.offer)
        self.currentChanged.connect(self._ask_probes)
        self.feature_maps.sampleChanged.connect(self._ask_probes)

    def set_dataset(self, d: Dataset) -> None:
        from playground.core.data.dataset import denormalise  # torch: loaded with the data

        self.dataset = d
        self.gradients.clear()
        is_image = d.preprocessing.kind == "image"
        self.feature_maps.set_dataset_samples(d.x_val.cpu().numpy() if is_image else None)
        raw_val = denormalise(d.x_val.cpu(), d.preprocessing).numpy()
        if is_image:
            self.boundary.set_points(None, None)
        else:
            raw_train = denormalise(d.x_train.cpu(), d.preprocessing).numpy()
            self.boundary.set_points(
                (raw_train, d.y_train.cpu().numpy()), (raw_val, d.y_val.cpu().numpy())
            )
        self.confusion.set_data(
            d.class_names,
            d.y_val.cpu().numpy(),
            raw_val if is_image else None,
            None if is_image else raw_val,
        )
        self._ask_probes()

    def show_prediction(self, prediction: Prediction) -> None:
        """The last classified picture becomes the feature maps' input."""
        if self.dataset is None or self.dataset.preprocessing.kind != "image":
            return
        import torch

        from playground.core.data.dataset import apply_normalisation

        x = apply_normalisation(
            torch.from_numpy(prediction.model_input), self.dataset.preprocessing
        )
        self.feature_maps.use_image(x.numpy(), "the last classified image")

    def _ask_probes(self, *_: object) -> None:
        current = self.currentWidget()
        sample = self.feature_maps.sample if current is self.feature_maps else None
        self.session.set_probes(sample, current is self.boundary)

    def save_png(self) -> Path | None:
        """Save the visible view as a PNG picked in a dialog."""
        name = self.tabText(self.currentIndex()).lower().replace(" ", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save view as PNG", str(Path.home() / f"{name}.png"), "PNG images (*.png)"
        )
        if not path:
            return None
        path = Path(path if path.endswith(".png") else path + ".png")
        if not self.currentWidget().grab().save(str(path)):
            raise OSError(f"could not write {path}")
        return path
