"""Every plot saves itself as PNG or SVG from its context menu (right click), with its title,
axis labels and legend: PNG through pyqtgraph's ImageExporter; SVG through Qt's QSvgGenerator,
because pyqtgraph 0.14's SVGExporter fails on every plot with this Qt (it cannot parse the
path data Qt 6 writes: pyqtgraph issue #3485)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMessageBox

log = logging.getLogger(__name__)
FORMATS = ("PNG", "SVG")
PNG_WIDTH = 1600  # pixels: sharp on a slide or a page, whatever the plot's size on screen


def add_export_actions(plot: pg.PlotItem) -> None:
    """Add 'Save plot as PNG…' and 'Save plot as SVG…' to plot's context menu."""
    menu = plot.getViewBox().menu
    menu.addSeparator()
    for fmt in FORMATS:
        action = menu.addAction(f"Save plot as {fmt}…")
        action.triggered.connect(lambda _=False, f=fmt: save_plot(plot, f))


def file_stem(title: str) -> str:
    """A file name from a plot's title: 'Loss (cost function)' → 'loss-cost-function'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "plot"


def save_plot(plot: pg.PlotItem, fmt: str) -> None:
    """Ask where, then write the plot; a file that cannot be written is said in one line."""
    suffix, name = fmt.lower(), file_stem(re.sub(r"<[^>]+>", "", plot.titleLabel.text))
    parent = plot.getViewBox().getViewWidget()
    path, _ = QFileDialog.getSaveFileName(
        parent, f"Save plot as {fmt}", str(Path.home() / f"{name}.{suffix}"), f"{fmt} (*.{suffix})"
    )
    if not path:
        return
    path = path if path.lower().endswith(f".{suffix}") else f"{path}.{suffix}"
    try:
        export(plot, fmt, Path(path))
    except OSError as e:
        log.exception("Saving a plot failed")
        QMessageBox.warning(parent, "Plot not saved", f"Could not write {path}: {e.strerror or e}")


def export(plot: pg.PlotItem, fmt: str, path: Path) -> None:
    """Write plot to path as fmt (PNG or SVG); OSError if the file cannot be written."""
    from pyqtgraph.exporters import ImageExporter

    if not path.parent.is_dir():
        raise OSError(f"there is no folder {path.parent}")
    if fmt == "PNG":
        exporter = ImageExporter(plot)
        exporter.parameters()["width"] = PNG_WIDTH
        if not exporter.export(toBytes=True).save(str(path), "PNG"):
            raise OSError(f"the folder {path.parent} is not writable")
    else:
        _svg(plot, path)


def _svg(plot: pg.PlotItem, path: Path) -> None:
    """The plot as vector graphics, its texts as SVG text."""
    rect = plot.sceneBoundingRect()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(rect.size().toSize())
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(plot.titleLabel.text)
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"the folder {path.parent} is not writable")
    try:
        plot.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()
