"""The tabs of views, each following the session's reports; probes asked only for visible
views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QTabBar, QTabWidget, QWidget

from playground.ui.state.explanations import Explanations
from playground.ui.state.gallery import Gallery
from playground.ui.state.pins import Pins
from playground.ui.views.backprop_view import BackpropView
from playground.ui.views.boundary_view import BoundaryView
from playground.ui.views.classify_view import ClassifyView
from playground.ui.views.confusion_view import ConfusionView
from playground.ui.views.convolution_view import ConvolutionView
from playground.ui.views.curves_view import CurvesView
from playground.ui.views.feature_maps_view import FeatureMapsView
from playground.ui.views.filters_view import FiltersView
from playground.ui.views.gallery_view import GalleryView
from playground.ui.views.gradients_view import GradientsView
from playground.ui.views.neurons_view import NeuronView
from playground.ui.views.numbers_form import NumbersForm
from playground.ui.views.projector_view import ProjectorView
from playground.ui.views.runs_view import RunsView
from playground.ui.views.step_view import StepView
from playground.ui.views.sweep_view import SweepView
from playground.ui.views.toy_options import ToyOptions
from playground.ui.views.weights_view import WeightsView

if TYPE_CHECKING:
    from PIL import Image

    from playground.core.data.dataset import Dataset
    from playground.core.data.view_arrays import ViewArrays
    from playground.core.inspect.gallery import Classified
    from playground.core.inspect.inference import Prediction
    from playground.ui.state.explanations import Explanations
    from playground.ui.state.gallery import Gallery
    from playground.ui.state.painting import Painting
    from playground.ui.state.pins import Pins
    from playground.ui.state.projection import Projection
    from playground.ui.state.runs import RunList
    from playground.ui.state.session import TrainingSession
    from playground.ui.state.sweeps import Sweeps


GROUPS = (
    ("Training", ("Curves", "Runs", "Step", "Sweep")),
    ("Inside the network", ("Weights", "Filters", "Feature maps", "Neurons", "Convolution",
                            "Gradients")),
    ("Answers", ("Boundary", "Confusion", "Classify", "Gallery", "Projector")),
)  # fmt: skip


class GroupBar(QTabBar):
    """The groups of views: choosing one shows its tabs; showing a tab of another group (a
    drop, a lesson) chooses that group."""

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__()
        self.tabs = tabs
        self.setDocumentMode(True)
        self.setExpanding(False)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        for name, _ in GROUPS:
            self.addTab(name)
        self._last = [self.index_of(titles[0]) for _, titles in GROUPS]  # per group
        self._inapplicable: set[int] = set()  # tabs with nothing to show for this data set
        self.currentChanged.connect(self._show_group)
        tabs.currentChanged.connect(self._follow)
        self._show_group(0)

    def index_of(self, title: str) -> int:
        return next(i for i in range(self.tabs.count()) if self.tabs.tabText(i) == title)

    def group_of(self, index: int) -> int:
        title = self.tabs.tabText(index)
        return next(g for g, (_, titles) in enumerate(GROUPS) if title in titles)

    def _show_group(self, group: int) -> None:
        target = self._last[group]
        for i in range(self.tabs.count()):
            self.tabs.setTabVisible(i, self.group_of(i) == group)
        QTabWidget.setCurrentIndex(self.tabs, target)

    def set_applies(self, title: str, applies: bool, instead: str) -> None:
        """Whether tab title has something to show for the data set: where not, its group
        opens on tab instead (Answers opened on an empty Boundary tab for digits)."""
        index = self.index_of(title)
        if applies:
            self._inapplicable.discard(index)
            return
        self._inapplicable.add(index)
        group = self.group_of(index)
        if self._last[group] == index:
            self._last[group] = self.index_of(instead)

    def reveal(self, index: int) -> None:
        """Choose the group of tab `index`, which it then shows."""
        group = self.group_of(index)
        self._last[group] = index
        self.setCurrentIndex(group)  # nothing happens when it is the group shown

    def _follow(self, index: int) -> None:
        if index >= 0:
            self.reveal(index)


@dataclass(frozen=True)
class TabParts:
    """What the tabs show besides the session's reports: made and owned by the window (see
    view_assembly.py), handed in."""

    runs: RunList
    classify: Callable[[Image.Image], Prediction]  # the trained network's answer for a picture
    open_image: Callable[[Path], Image.Image]
    recipe: Callable[[], tuple | None]  # the class names and preprocessing classifying uses
    explanations: Explanations
    pins: Pins
    gallery: Gallery
    toy_options: ToyOptions
    convolution: ConvolutionView
    backprop: BackpropView
    painting: Painting  # the points painted on the Boundary tab
    projection: Projection
    sweeps: Sweeps
    answer_numbers: Callable[
        [list[float]], str
    ]  # the network's answer for a data set of numbers' raw inputs


class ViewTabs(QTabWidget):
    status = Signal(str)  # a transient status-bar line
    error = Signal(str)  # one line for the person

    def __init__(
        self, session: TrainingSession, parts: TabParts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.recipe = session, parts.recipe
        self.dataset: Dataset | None = None  # the one shown (see show_dataset)
        self._arrays: ViewArrays | None = None  # what the views draw of it
        s = session
        self.curves = CurvesView(s)
        self.runs = RunsView(parts.runs)
        self.runs.status.connect(self.status)
        self.runs.error.connect(self.error)
        self.pins = parts.pins
        self.classify = ClassifyView(
            parts.classify, parts.open_image, parts.explanations, self.pins
        )
        self.weights, self.filters = WeightsView(), FiltersView()
        self.toy_options = parts.toy_options
        self.numbers = NumbersForm(parts.answer_numbers)
        self.classify.content.insertWidget(0, self.numbers)
        self.feature_maps, self.boundary = (
            FeatureMapsView(),
            BoundaryView(self.toy_options, parts.painting),
        )
        self.confusion, self.gradients = ConfusionView(), GradientsView(s)
        self.step = StepView()
        self.backprop = parts.backprop
        self.neurons = NeuronView()
        self.convolution = parts.convolution
        self.gallery = GalleryView(parts.gallery)
        self.projector = ProjectorView(parts.projection)
        self.sweep = SweepView(parts.sweeps)
        # one tab for one training step, seen two ways: fewer tabs fit a 1024-pixel window
        self.step_tab = QTabWidget()
        self.step_tab.setDocumentMode(True)
        self.step_tab.addTab(self.step, "What one step changed")
        self.step_tab.addTab(self.backprop, "Backprop, walked through")
        pages = {
            "Curves": self.curves,
            "Runs": self.runs,
            "Step": self.step_tab,
            "Sweep": self.sweep,
            "Weights": self.weights,
            "Filters": self.filters,
            "Feature maps": self.feature_maps,
            "Neurons": self.neurons,
            "Convolution": self.convolution,
            "Gradients": self.gradients,
            "Boundary": self.boundary,
            "Confusion": self.confusion,
            "Classify": self.classify,
            "Gallery": self.gallery,
            "Projector": self.projector,
        }
        for title in (t for _, titles in GROUPS for t in titles):
            self.addTab(pages[title], title)
        self.setUsesScrollButtons(False)  # every tab of the group in sight...
        self.setElideMode(Qt.TextElideMode.ElideRight)  # ...shortened only if need be
        # groups above the tabs: few tabs at a time, so their titles stay whole at 1024 px
        self.group_bar = GroupBar(self)
        for view in (self.weights, self.filters):
            s.snapshotTaken.connect(view.offer)
        s.evaluated.connect(self.confusion.offer)
        s.stepMeasured.connect(self.step.offer)
        for view in (self.feature_maps, self.boundary):
            s.probed.connect(view.offer)
        s.snapshotTaken.connect(self.neurons.offer_snapshot)
        s.probed.connect(self.neurons.offer_probe)
        s.weightsChanged.connect(self._weights_changed)
        self.boundary.planeChosen.connect(self._plane_chosen)
        self.currentChanged.connect(self._ask_probes)
        self.feature_maps.sampleChanged.connect(self._ask_probes)
        self.classify.classified.connect(self._use_prediction)
        self.gallery.picked.connect(self._show_picked)
        self.projector.sampleClicked.connect(self._classify_sample)

    def hasHeightForWidth(self) -> bool:
        """No: the views take the height left to them. A page's wrapping label made the whole
        tab widget ask for a height for its width (1044 px at 534), and the window's layout
        then squeezed the training panel above, cutting its rows."""
        return False

    def _blank_views(self) -> tuple:
        return (
            self.weights,
            self.filters,
            self.feature_maps,
            self.boundary,
            self.neurons,
            self.confusion,
            self.step,
        )

    def _weights_changed(self) -> None:
        """No weights (new, reset, untrained): every view of weights goes blank with a hint;
        trained ones are drawn when the weights drawing (state/inspection.py) reports them."""
        if self.session.current_weights() is None:
            for view in self._blank_views():
                view.clear()
            self.classify.forget()

    def show_dataset(self, d: Dataset | None) -> None:
        """A new data set (None: a trained network that came without one): the views of
        weights go blank, the views of data take its samples."""
        for view in self._blank_views():
            view.clear()
        self.classify.forget()
        self.dataset = d
        self._arrays = None
        self.neurons.set_class_names(d.class_names if d is not None else [])
        if d is None:  # a trained network that came without one: nothing of data to show
            self.group_bar.set_applies("Boundary", False, "Classify")
            self.feature_maps.set_dataset_samples(None)
            self.convolution.set_dataset_samples(None)
            self.boundary.set_points(None, None)
            self.confusion.set_data([], np.zeros(0, dtype=np.int64), None, None)
            self.projector.set_samples(None, [])
            self.numbers.set_fields([])
            self.classify.pictures.show()
            return
        from playground.core.data.view_arrays import as_pictures, view_arrays  # torch: loaded

        a = self._arrays = view_arrays(d)
        is_image = a.samples is not None
        self.group_bar.set_applies("Boundary", not is_image, "Classify")
        self.feature_maps.set_dataset_samples(a.samples)
        self.convolution.set_dataset_samples(a.samples)
        self.boundary.set_table_inputs(a.table.names if a.table is not None else ())
        if a.table is not None:
            self._table_points()
        else:
            self.boundary.set_points(a.train_points, a.val_points, a.regression)
        pictures = as_pictures(a.pictures) if a.pictures is not None else None
        self.projector.set_samples(pictures, a.class_names)
        points = a.val_points[0] if a.val_points is not None else None
        self.confusion.set_data(a.class_names, a.val_answers, a.pictures, points, a.regression)
        self.curves.set_task(d.task)
        self._ask_numbers(d)
        self._ask_probes()

    def _ask_numbers(self, d) -> None:
        """Fields for a data set of numbers' raw inputs: numbers at their training means, a
        list of categories for a table's one-hot column."""
        from playground.core.inspect.inference import raw_input_fields

        pre = d.preprocessing
        numbers = pre.kind == "points"
        self.numbers.set_fields(raw_input_fields(pre) if numbers else [])
        self.classify.pictures.setVisible(not numbers)  # no picture to open, paste or draw

    def _table_points(self) -> None:
        """A table's points over the two inputs the Boundary plane spans, in their units."""
        a, plane = self._arrays, self.boundary.plane
        if a is None or a.table is None or plane is None:
            return
        train, val, extent = a.table.plane(*plane)
        self.boundary.set_points(train, val, a.regression, QRectF(*extent))

    def _plane_chosen(self) -> None:
        self._table_points()
        self._ask_probes()

    def _use_prediction(self, prediction: Prediction) -> None:
        """The last classified picture becomes the feature maps' input."""
        recipe = self.recipe()
        if recipe is None or recipe[1].kind != "image":
            return
        from playground.core.data.view_arrays import network_input

        x = network_input(prediction.model_input, recipe[1])
        self.feature_maps.use_image(x, "the last classified image")
        self.convolution.use_image(x, "the last classified image")

    def classify_files(self, paths: list[Path]) -> None:
        """Files dropped or opened: one is classified in the Classify view, several in the
        gallery."""
        if len(paths) > 1:
            self.setCurrentWidget(self.gallery)
            self.gallery.gallery.classify(paths)
        else:
            self.setCurrentWidget(self.classify)
            self.classify.classify_paths(paths)

    def _classify_sample(self, index: int) -> None:
        """A point clicked in the projector: its sample, classified."""
        pictures = self.projector.pictures
        if pictures is None:
            self.status.emit("Points of a plane are not pictures: Classify takes pictures")
            return
        from PIL import Image

        picture = (np.clip(pictures[index], 0, 1) * 255).astype(np.uint8)
        self.setCurrentWidget(self.classify)
        self.classify.classify_image(Image.fromarray(picture), f"validation sample {index}")

    def _show_picked(self, picked: Classified) -> None:
        """A picture clicked in the gallery: its answer in detail."""
        self.setCurrentWidget(self.classify)
        if picked.prediction is None:
            self.classify.show_error(f"{picked.path.name}: {picked.error}")
        else:
            self.classify.show_prediction(picked.image, picked.prediction, picked.path.name)

    def setCurrentIndex(self, index: int) -> None:
        """Show that tab, with its group (a hidden tab cannot be current)."""
        if hasattr(self, "group_bar") and 0 <= index < self.count():
            self.group_bar.reveal(index)
        super().setCurrentIndex(index)

    def setCurrentWidget(self, widget: QWidget) -> None:
        self.setCurrentIndex(self.indexOf(widget))

    def _ask_probes(self, *_: object) -> None:
        current = self.currentWidget()
        if current is self.neurons and self.session.current_weights() is not None:
            self.neurons.expect()  # drawn from the weights in a moment (state/inspection.py)
        sample = self.feature_maps.sample if current is self.feature_maps else None
        self.session.want(
            sample=sample,
            boundary=current is self.boundary,
            neurons=current is self.neurons,
            plane=self.boundary.plane,
        )

    def save_png_dialog(self) -> None:
        """Save the visible view as a PNG picked in a dialog."""
        name = self.tabText(self.currentIndex()).lower().replace(" ", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save view as PNG", str(Path.home() / f"{name}.png"), "PNG images (*.png)"
        )
        if not path:
            return
        path = Path(path if path.endswith(".png") else path + ".png")
        if self.currentWidget().grab().save(str(path)):
            self.status.emit(f"Saved {path}")
        else:
            self.error.emit(f"Could not write {path}: check the folder exists and is writable")
