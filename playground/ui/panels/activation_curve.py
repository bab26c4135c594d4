"""An activation layer's curve and derivative in the inspector, with the inputs the layer
actually receives shaded: a saturated sigmoid is seen, its inputs far out where the
derivative is flat."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.core.model.layers import layer_type
from playground.core.numbers import number
from playground.core.training.events import InputRange, Probe
from playground.ui.widgets.live_view import LiveView
from playground.ui.widgets.plots import plot_widget

if TYPE_CHECKING:
    from playground.ui.state.session import TrainingSession

REACH = 6.0  # the curve is drawn over at least [-6, 6]
POINTS = 400
SHADE = (59, 115, 185, 40)
KEY = "Black: the function; dashed orange: its slope (derivative)."


def is_curve(type_name: str) -> bool:
    """Activation layers applied value by value (Softmax mixes a whole row: no curve)."""
    return layer_type(type_name).group == "activations" and type_name != "Softmax"


class ActivationCurve(LiveView):
    def __init__(self, session: TrainingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ready = False  # torch has loaded (see set_ready)
        self.layer: tuple[str, str, dict[str, Any]] | None = None  # card name, type, params
        self.shown: InputRange | None = None
        self.plot = plot_widget()
        # the inspector's column may be narrow: no wider; always this tall, seen whole
        # under the layer's title at 1024×700 (taller, it stretched into the scrolled part)
        self.plot.setMinimumWidth(100)
        self.plot.setFixedHeight(170)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=1, brush=(150, 160, 170, 90))
        self.region = pg.LinearRegionItem(movable=False, brush=SHADE, pen=pg.mkPen(None))
        self.curve = self.plot.plot(pen=pg.mkPen("#1F2328", width=2))
        self.slope = self.plot.plot(
            pen=pg.mkPen("#E07B22", width=2, style=pg.QtCore.Qt.PenStyle.DashLine)
        )
        for item in (self.bars, self.region):
            self.plot.addItem(item)
            item.setZValue(-10)
        self.note = QLabel()
        self.note.setObjectName("explanation")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.note)
        session.probed.connect(self._probed)
        session.weightsChanged.connect(self._weights_changed)
        self.setVisible(False)

    def show_layer(self, name: str, type_name: str | None, params: dict[str, Any]) -> None:
        """Follow the inspector's layer (name: its card's, '3 ReLU' or 'a1_relu ReLU'): a
        curve for an activation layer, hidden otherwise."""
        wanted = type_name is not None and is_curve(type_name)
        self.layer = (name, type_name, params) if wanted else None
        self.setVisible(wanted)
        self.session.want(activations=wanted)
        self.draw()

    def _probed(self, probe: Probe) -> None:
        if probe.activation_inputs is not None:
            self.offer(probe.activation_inputs)

    def _weights_changed(self) -> None:
        if self.session.current_weights() is None:
            self.clear()

    def render_blank(self) -> None:
        self.draw()

    def render(self, inputs: dict[str, InputRange]) -> None:
        self.draw()

    def set_ready(self, ready: bool) -> None:
        """torch has loaded: the curve can be made."""
        self.ready = ready
        self.draw()

    def draw(self) -> None:
        """The curve over the inputs' range, the range shaded and their histogram beneath."""
        if self.layer is None or not self.ready:  # the curve is made by torch, loaded then
            return
        name, type_name, params = self.layer
        seen = (self.latest or {}).get(name)
        self.shown = seen
        lo, hi = -REACH, REACH
        if seen is not None:
            lo, hi = min(lo, float(seen.edges[0])), max(hi, float(seen.edges[-1]))
        from playground.core.inspect.activations import activation_curve  # torch: loaded by now

        xs = np.linspace(lo, hi, POINTS, dtype=np.float32)
        y, dy = activation_curve(type_name, params, xs)
        self.curve.setData(xs, y)
        self.slope.setData(xs, dy)
        self.region.setVisible(seen is not None)
        self.bars.setVisible(seen is not None)
        if seen is None:
            self.note.setText(f"{KEY} Train to see the inputs the layer receives.")
            return
        self._show_inputs(seen, float(max(np.abs(y).max(), np.abs(dy).max(), 1.0)))

    def _show_inputs(self, seen: InputRange, top: float) -> None:
        self.region.setRegion((seen.low, seen.high))
        edges = seen.edges
        heights = seen.counts / max(seen.counts.max(), 1) * top * 0.6
        self.bars.setOpts(x=(edges[:-1] + edges[1:]) / 2, height=heights, width=edges[1] - edges[0])
        self.note.setText(
            f"{KEY} Shaded: 98 % of the inputs this layer received on a training batch, "
            f"{number(seen.low, signed=True)} to {number(seen.high, signed=True)} "
            "(grey: how many). Where the dashed slope is near 0, the layer passes almost no "
            "gradient back."
        )
