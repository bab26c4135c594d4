"""The views' tabs and the training panel put together: the state they show is made here from
the workspace and handed in, each getting only the narrow things it uses (the session, the
document, a task slot, a callable), and the workspace's changes (data set, settings, PyTorch
loaded) are wired to them."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QWidget

from playground.ui.panels.training_panel import PanelParts, TrainingPanel
from playground.ui.state.backprop import start_walkthrough
from playground.ui.state.explanations import Explanations
from playground.ui.state.gallery import Gallery
from playground.ui.state.pins import Pins
from playground.ui.state.projection import Projection
from playground.ui.state.sweeps import Sweeps
from playground.ui.state.workspace import Workspace
from playground.ui.views.backprop_view import BackpropView
from playground.ui.views.convolution_view import ConvolutionView
from playground.ui.views.tabs import TabParts, ViewTabs
from playground.ui.views.toy_options import ToyOptions


def build_view_tabs(ws: Workspace, parent: QWidget) -> ViewTabs:
    """The tabs of views following ws; the state objects they show belong to parent."""
    s = ws.session
    toy_options = ToyOptions(s, ws.ask_to_choose_dataset)
    backprop = BackpropView(s, partial(start_walkthrough, ws, ws.tasks.slot()))
    parts = TabParts(
        runs=ws.runs,
        classify=ws.classify,
        open_image=ws.open_image,
        recipe=ws.recipe,
        explanations=Explanations(ws, parent),
        pins=Pins(ws),
        gallery=Gallery(ws, parent),
        toy_options=toy_options,
        convolution=ConvolutionView(s, ws.document, ws.tasks.slot()),
        backprop=backprop,
        painting=ws.painting,
        projection=Projection(ws, parent),
        sweeps=Sweeps(ws, parent),
        answer_numbers=ws.answer_numbers,
    )
    views = ViewTabs(s, parts)
    for follower in (toy_options, backprop, views):
        ws.datasetChanged.connect(follower.show_dataset)
        follower.show_dataset(ws.dataset)
    views.status.connect(ws.status)
    views.error.connect(ws.error)
    return views


def build_training_panel(ws: Workspace) -> TrainingPanel:
    """The training panel following ws; its edits of the settings go to ws."""
    parts = PanelParts(
        session=ws.session,
        document=ws.document,
        transfer=ws.transfer,
        painting=ws.painting,
        device_text=lambda: ws.device_text,
        restore_best=ws.restore_best,
    )
    panel = TrainingPanel(parts)
    panel.set_config(ws.config)
    panel.show_dataset(ws.dataset)
    panel.set_ready(ws.ready)
    ws.configChanged.connect(panel.set_config)
    ws.datasetChanged.connect(panel.show_dataset)
    ws.readyChanged.connect(panel.set_ready)
    panel.configEdited.connect(ws.set_config)
    panel.options.status.connect(ws.status)
    return panel
