"""The Sweep tab: a study's trials as a table, the best one's settings (Make current), parallel
coordinates coloured by the result, one setting against the result, and the parameters'
importances; any study in any storage can be opened and is read again as it grows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from playground.ui.widgets.plots import plot_widget

if TYPE_CHECKING:
    from playground.core.training.sweep_results import StudyTable
    from playground.ui.state.sweeps import Sweeps

COLOURS = pg.colormap.get("viridis")  # low results dark, high ones bright


class SweepView(QWidget):
    def __init__(self, sweeps: Sweeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sweeps = sweeps
        self.table: StudyTable | None = None
        self.storage = QLineEdit()
        self.storage.setPlaceholderText("sqlite:///FILE, postgresql://…, or a journal .log")
        self.study = QLineEdit()
        self.study.setPlaceholderText("study name")
        self.open_button = QPushButton("Open study")
        self.open_button.clicked.connect(self.open_study)
        self.status = QLabel("Training ▸ Sweep… starts a study; or open one that is running.")
        self.status.setWordWrap(True)
        self.trials = QTableWidget(0, 3)
        self.trials.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.trials.verticalHeader().hide()
        self.best = QLabel("")
        self.best.setWordWrap(True)
        self.make_current = QPushButton("Make current")
        self.make_current.setEnabled(False)
        self.make_current.clicked.connect(self._make_current)
        self.parallel = plot_widget("Parallel coordinates (colour: validation accuracy)")
        self.parallel.setMouseEnabled(x=False, y=False)
        self.parallel.getAxis("left").setTicks([[(0, "low"), (1, "high")]])
        self.lines: list[pg.PlotDataItem] = []
        self.setting = QComboBox()
        self.setting.currentIndexChanged.connect(self._draw_setting)
        self.against = plot_widget()
        self.against.setLabel("left", "validation accuracy")
        self.points = pg.ScatterPlotItem(size=8, brush=pg.mkBrush("#4E79A7"))
        self.against.addItem(self.points)
        self.importance = plot_widget("Parameter importances (Optuna, fANOVA)")
        self.bars: pg.BarGraphItem | None = None
        self._layout()
        sweeps.read.connect(self.show_table)
        sweeps.failed.connect(lambda text: self.status.setText(text))

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Storage"))
        top.addWidget(self.storage, 2)
        top.addWidget(QLabel("Study"))
        top.addWidget(self.study, 1)
        top.addWidget(self.open_button)
        best = QHBoxLayout()
        best.addWidget(self.best, 1)
        best.addWidget(self.make_current)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.trials, 1)
        column.addLayout(best)
        against = QWidget()
        page = QVBoxLayout(against)
        page.setContentsMargins(0, 0, 0, 0)  # the tab's height is the views' smallest
        page.addWidget(self.setting)
        page.addWidget(self.against, 1)
        plots = QTabWidget()
        plots.setDocumentMode(True)
        plots.addTab(self.parallel, "Parallel coordinates")
        plots.addTab(against, "Setting against result")
        plots.addTab(self.importance, "Importances")
        self.plots = plots
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(plots)
        split.setSizes([400, 500])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    def open_study(self) -> None:
        storage, study = self.storage.text().strip(), self.study.text().strip()
        if not storage or not study:
            self.status.setText("Give the study's storage and name.")
            return
        self.status.setText(f"Reading {study}…")
        self.sweeps.watch(storage, study)

    def show_table(self, table: StudyTable) -> None:
        self.table = table
        if not self.storage.hasFocus() and not self.study.hasFocus():
            self.storage.setText(table.storage)
            self.study.setText(table.study)
        states = [r.state for r in table.rows]
        counts = ", ".join(f"{states.count(s)} {s}" for s in dict.fromkeys(states))
        self.status.setText(f"Study {table.study}: {len(table.rows)} trials ({counts or 'none'})")
        self._fill_trials(table)
        self.parallel.setTitle(f"Parallel coordinates (colour: validation {table.score})")
        self.against.setLabel("left", f"validation {table.score}")
        best = table.best
        self.make_current.setEnabled(best is not None)
        self.best.setText(
            f"Best: trial {best.number}, validation {table.score} {best.value:.3f}, with "
            + ", ".join(f"{k} = {_text(v)}" for k, v in best.params.items())
            if best
            else "No trial has finished yet."
        )
        self._draw_parallel(table)
        names = table.names
        if [self.setting.itemText(i) for i in range(self.setting.count())] != names:
            self.setting.blockSignals(True)
            self.setting.clear()
            self.setting.addItems(names)
            self.setting.blockSignals(False)
        self._draw_setting()
        self._draw_importances(table.importances)

    def _fill_trials(self, table: StudyTable) -> None:
        headers = ["#", "state", f"val {table.score}", *table.names]
        self.trials.setColumnCount(len(headers))
        self.trials.setHorizontalHeaderLabels(headers)
        self.trials.setRowCount(len(table.rows))
        for i, r in enumerate(table.rows):
            value = "" if r.value is None else f"{r.value:.3f}"
            cells = [
                str(r.number),
                r.state,
                value,
                *(_text(r.params.get(n, "")) for n in table.names),
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 1 and r.error:
                    item.setToolTip(r.error)
                self.trials.setItem(i, j, item)

    def _draw_parallel(self, table: StudyTable) -> None:
        from playground.core.training.sweep_results import parallel_coordinates

        for line in self.lines:
            self.parallel.removeItem(line)
        self.lines = []
        names, positions, results = parallel_coordinates(table)
        shade = _unit(results)
        for row, s in zip(positions, shade, strict=True):
            colour = COLOURS.map(float(s), mode="qcolor")
            line = self.parallel.plot(np.arange(len(names)), row, pen=pg.mkPen(colour, width=2))
            self.lines.append(line)
        self.parallel.getAxis("bottom").setTicks([list(enumerate(names))])
        self.parallel.setXRange(-0.2, len(names) - 0.8, padding=0)
        self.parallel.setYRange(-0.05, 1.05, padding=0)

    def _draw_setting(self) -> None:
        table, name = self.table, self.setting.currentText()
        if table is None or not name:
            self.points.clear()
            return
        rows = [r for r in table.rows if r.value is not None and name in r.params]
        values = [r.params[name] for r in rows]
        if any(isinstance(v, str) for v in values):
            order = sorted({str(v) for v in values})
            x = [order.index(str(v)) for v in values]
            self.against.getAxis("bottom").setTicks([list(enumerate(order))])
        else:
            x = [float(v) for v in values]
            self.against.getAxis("bottom").setTicks(None)
        self.against.setLabel("bottom", name)
        self.points.setData(x=x, y=[r.value for r in rows])

    def _draw_importances(self, importances: dict[str, float]) -> None:
        if self.bars is not None:
            self.importance.removeItem(self.bars)
            self.bars = None
        if not importances:
            self.importance.setTitle("Parameter importances: after 3 finished trials")
            return
        self.importance.setTitle("Parameter importances (Optuna)")
        names = list(importances)
        self.bars = pg.BarGraphItem(
            x0=0, y=np.arange(len(names)), height=0.6, width=list(importances.values()),
            brush="#4E79A7",
        )  # fmt: skip
        self.importance.addItem(self.bars)
        self.importance.getAxis("left").setTicks([list(enumerate(names))])

    def _make_current(self) -> None:
        if self.table is not None and self.table.best is not None:
            self.sweeps.make_current(self.table.best)


def _unit(x: np.ndarray) -> np.ndarray:
    if not len(x):
        return x
    span = float(x.max() - x.min())
    return (x - x.min()) / span if span > 0 else np.full(len(x), 1.0)


def _text(v: object) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
