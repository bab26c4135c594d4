"""pyqtgraph plots in the app's style, made cheap to repaint while training runs.

A repaint competes with the training thread for the GIL and the cores, so it must stay short:
axes are cached as pixmaps (redrawn only when their range changes), a grid leaves out
pyqtgraph's finest tick level (which doubled a 700×300 plot's repaint time), and FollowRange
moves a live plot's view in jumps instead of at every update.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGraphicsItem, QMenu

from playground.ui.widgets.plot_export import add_export_actions

DIVERGING = pg.colormap.get("CET-D1")  # blue, white, red: centred on 0
GRID_ALPHA = 0.18
INSET = 0.01  # of the range: keep data this far from the edges (paddings must exceed it)


class MenuOnDemandViewBox(pg.ViewBox):
    """A ViewBox whose context menu is built at its first right click: built with the window,
    the menus of its 23 plots took an eighth of its start, and most are never opened."""

    menu_built = Signal(QMenu)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(enableMenu=False, **kwargs)
        self.state["enableMenu"] = True  # enabled, but not built yet

    def getMenu(self, ev: object) -> QMenu:
        if self.menu is None:
            self.setMenuEnabled(True)  # pyqtgraph builds the menu of an enabled box without one
            self.menu_built.emit(self.menu)
        return self.menu

    def getContextMenus(self, event: object) -> list:
        """Its actions, for the menu of an item inside it."""
        self.getMenu(event)
        return super().getContextMenus(event)


def add_plot(layout: pg.GraphicsLayout, **kwargs: object) -> pg.PlotItem:
    """layout.addPlot(**kwargs), with a context menu built on demand; tune it with tune_plot."""
    return layout.addPlot(viewBox=MenuOnDemandViewBox(), **kwargs)


def tune_plot(plot: pg.PlotItem, grid: bool = False) -> None:
    """Cache plot's axes and, with grid, draw grid lines at the two coarser tick levels; its
    context menu saves it as PNG or SVG. No axis scales its ticks by a hidden SI multiplier
    (a loss of 0.55 read as 550 with "(x0.001)" in the label). plot's ViewBox must be a
    MenuOnDemandViewBox (plot_widget, add_plot)."""
    plot.getViewBox().menu_built.connect(lambda _menu: add_export_actions(plot))
    for axis in plot.axes.values():
        item = axis["item"]
        item.enableAutoSIPrefix(False)
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        if grid:
            item.setStyle(maxTickLevel=1)
    if grid:
        plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)


def color_bar(
    values: tuple[float, float], colormap: pg.ColorMap, image: pg.ImageItem, plot: pg.PlotItem
) -> pg.ColorBarItem:
    """A fixed colour bar for image, beside it in plot; its axis, too, without SI multiplier."""
    bar = pg.ColorBarItem(values=values, colorMap=colormap, interactive=False)
    bar.setImageItem(image, insert_in=plot)
    for axis in bar.axes.values():
        axis["item"].enableAutoSIPrefix(False)
    return bar


def plot_widget(title: str | None = None, grid: bool = False) -> pg.PlotWidget:
    """A white PlotWidget tuned by tune_plot."""
    w = pg.PlotWidget(background="w", viewBox=MenuOnDemandViewBox())
    if title:
        w.setTitle(title, color="#1F2328", size="11pt")
    tune_plot(w.plotItem, grid)
    return w


def sticky_range(
    current: tuple[float, float], lo: float, hi: float, pad_lo: float, pad_hi: float
) -> tuple[float, float]:
    """A view range holding lo..hi: current while it holds them clear of its edges and they
    fill half of it, else lo..hi padded by these fractions of their span."""
    a, b = current
    span, inset = hi - lo, INSET * (b - a)  # a dot on the very edge would be cut in half
    if a + inset <= lo and hi <= b - inset and span >= 0.5 * (b - a):
        return current
    unit = span or abs(hi) or 1.0
    return lo - pad_lo * unit, hi + pad_hi * unit


class FollowRange:
    """Keeps a plot on its data as auto-range does, but moves the view only when the data
    leave it or shrink to half of it, so the axes are redrawn a few dozen times a run rather
    than at every update. Panning or zooming by hand stops following; the plot's "A" button
    starts it again."""

    X_PAD = (0.02, 0.25)  # room ahead for a growing x axis whose end is not known
    END_PAD = (0.02, 0.03)
    Y_PAD = (0.08, 0.08)

    def __init__(
        self,
        plot: pg.PlotItem,
        y_range: tuple[float, float] | None = None,
        first_x: float | None = None,
    ) -> None:
        """y_range fixes the y axis (accuracy: 0 to 1); None follows the data on both axes.
        first_x, where the x axis counts (epoch 1), starts the view half a unit before it and
        holds at least one unit (one epoch alone spread over -3..5 otherwise)."""
        self.box = plot.getViewBox()
        self.y_range = y_range
        self.first_x = first_x
        self.following = True
        self.box.sigRangeChangedManually.connect(self._stop)

    def _stop(self, *_: object) -> None:
        self.following = False

    def reset(self) -> None:
        """Fit the data afresh at the next update (after a change of scale)."""
        self.box.enableAutoRange()

    def clear(self) -> None:
        """No data any more (a new run, File ▸ New): a blank view, not the last run's axes;
        the next update fits the new data."""
        first = 0.0 if self.first_x is None else self.first_x - 0.5
        self.box.setRange(xRange=(first, first + 1), yRange=self.y_range or (0, 1), padding=0)
        self.following = True

    def update(self, x_end: float = 0) -> None:
        """Call after setting the items' data; x_end, where known, is where the x data will
        end (a run's last step), so the x axis stays put for the whole run."""
        (a, b), (c, d) = self.box.viewRange()
        if any(self.box.autoRangeEnabled()):  # at start, or the "A" button was pressed
            self.following = True
            self.box.disableAutoRange()
            a, b, c, d = math.inf, -math.inf, math.inf, -math.inf
        bounds = self.box.childrenBounds()
        if not self.following or bounds[0] is None or bounds[1] is None:
            return
        (x0, x1), (y0, y1) = bounds
        x_pad = self.END_PAD if x_end else self.X_PAD
        x = sticky_range((a, b), x0, max(x1, x_end), *x_pad)
        if self.first_x is not None:
            x = (self.first_x - 0.5, max(x[1], self.first_x + 0.5))
        y = self.y_range or sticky_range((c, d), y0, y1, *self.Y_PAD)
        if (x, y) != ((a, b), (c, d)):
            self.box.setRange(xRange=x, yRange=y, padding=0)
