"""The runs of the project: a sortable table, the chosen runs' curves overlaid one colour each,
what differs between their settings, and rename, delete, make current, export CSV."""

from __future__ import annotations

import time
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.numbers import duration, number
from playground.core.training.runs import Run
from playground.ui.state.runs import RunList, index_of, run_label
from playground.ui.widgets.plots import plot_widget
from playground.ui.widgets.smoothing_slider import SmoothingSlider

COLOURS = ["#3B73B9", "#E07B22", "#3E9B5B", "#C62828", "#8A5CC7", "#8C564B", "#D6559F", "#5F6B76"]
COLUMNS = (
    "Name",
    "Status",
    "Epochs",
    "Val. accuracy",
    "Best val. loss",
    "Duration",
    "Device",
    "Started",
)
NAME, STARTED = 0, COLUMNS.index("Started")
SETTING_NAMES = {
    "optimizer": "optimizer",
    "lr": "learning rate",
    "batch_size": "batch",
    "epochs": "epochs",
    "weight_decay": "weight decay",
    "momentum": "momentum",
    "seed": "seed",
    "device": "device",
    "patience": "patience",
}


class _Cell(QTableWidgetItem):
    """A cell showing text and sorting by key (numbers as numbers)."""

    def __init__(self, text: str, key: object) -> None:
        super().__init__(text)
        self.key = key
        self.setFlags(self.flags() & ~Qt.ItemFlag.ItemIsEditable)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.key, getattr(other, "key", None)
        try:
            return a < b  # type: ignore[operator]
        except TypeError:
            return str(a) < str(b)


def _row(runs: list[Run], run: Run) -> list[QTableWidgetItem]:
    final, best = run.final, run.best
    name = QTableWidgetItem(run_label(runs, run))
    name.setToolTip("Double-click to rename" + (" · weights kept" if run.weights else ""))
    return [
        name,
        _Cell(run.status, run.status),
        _Cell(_epochs(run), final.epoch if final else 0),
        _Cell(f"{final.val_accuracy:.1%}" if final else "–", final.val_accuracy if final else -1),
        _Cell(
            f"{number(best.val_loss, 4)} (epoch {best.epoch})" if best else "–",
            best.val_loss if best else float("inf"),
        ),
        _Cell(duration(run.duration_s), run.duration_s),
        _Cell(run.device, run.device),
        _Cell(time.strftime("%d %b %H:%M", time.localtime(run.started)), run.started),
    ]


def _epochs(run: Run) -> str:
    """'5', or '3–4' for a run that went on from epoch 2."""
    epochs = run.history.epochs
    if not epochs:
        return "0"
    first, last = epochs[0].epoch, epochs[-1].epoch
    return str(last) if first == 1 else f"{first}–{last}"


def differences(runs: list[Run], chosen: list[Run]) -> str:
    """What differs between the chosen runs' settings, one 'name: a · b' per setting."""
    if len(chosen) < 2:
        return "Choose two runs or more to see what differs between their settings."
    lines = []
    configs = [r.config.to_dict() for r in chosen]
    for key, label in SETTING_NAMES.items():
        values = [c.get(key) for c in configs]
        if len(set(map(str, values))) > 1:
            lines.append(
                f"{label}: "
                + " · ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)
            )
    if len({r.dataset.source for r in chosen}) > 1:
        lines.append("data set: " + " · ".join(r.dataset.source for r in chosen))
    specs = [r.spec for r in chosen]
    if any(s != specs[0] for s in specs):
        lines.append("network: " + " · ".join(_layers(s) for s in specs))
    names = " · ".join(run_label(runs, r) for r in chosen)
    if not lines:
        return f"{names}: the same settings (the differences are chance: seeds, timing)."
    return f"Differs ({names}) — " + ";  ".join(lines)


def _layers(spec) -> str:
    return f"{len(spec.layers)} layers" if spec is not None else "unknown"


class RunsView(QWidget):
    status = Signal(str)  # a transient status-bar line
    error = Signal(str)  # one line for the person

    def __init__(self, runs: RunList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs = runs
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.verticalHeader().hide()
        # the header and a run in sight, whatever the window's height: at 1024×700 a
        # three-line message above the views leaves the tab no more
        self.table.setMinimumHeight(2 * self.table.verticalHeader().defaultSectionSize() + 4)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        self.table.sortItems(STARTED)  # oldest first, until a header is clicked
        self.table.itemSelectionChanged.connect(self._draw)
        self.table.itemChanged.connect(self._renamed)
        self.diff = QLabel()
        self.diff.setWordWrap(True)
        self.diff.setObjectName("explanation")
        self.smoothing = SmoothingSlider()
        self.smoothing.changed.connect(self._draw)
        self.loss_plot = self._plot("Training loss (smoothed)", "step", "cross-entropy", (-10, 10))
        self.acc_plot = self._plot("Validation accuracy", "epoch", "fraction correct", (-10, -10))
        self.acc_plot.setYRange(0, 1.02, padding=0)
        self.acc_plot.setMouseEnabled(y=False)
        self._build()
        self._shown: set[int] = set()  # ids of the runs in the table
        # queued: a rename arrives from the table's own itemChanged, whose items _fill replaces
        runs.changed.connect(self._fill, Qt.ConnectionType.QueuedConnection)
        self._fill()

    @staticmethod
    def _plot(title: str, x: str, y: str, legend: tuple[int, int]) -> pg.PlotWidget:
        w = plot_widget(title, grid=True)
        w.setLabel("bottom", x)
        w.setLabel("left", y)
        w.addLegend(offset=legend, labelTextColor="#1F2328", brush="#FFFFFFD0")
        # small minimums: the window's room goes to the table, and this tab never makes the
        # tab widget taller than the other views need
        w.setMinimumSize(120, 52)
        return w

    def _build(self) -> None:
        self.rename_button = QPushButton("Rename")
        self.delete_button = QPushButton("Delete")
        self.current_button = QPushButton("Make current")
        self.current_button.setToolTip(
            "Its settings back in the training panel; its network and weights too, when kept"
        )
        self.csv_button = QPushButton("Export CSV…")
        self.keep = QCheckBox("Keep weights of new runs")
        self.keep.setChecked(self.runs.keep_weights)
        self.keep.setToolTip("Kept weights make a run current again; they take room in the file")
        self.keep.toggled.connect(lambda on: setattr(self.runs, "keep_weights", on))
        self.rename_button.clicked.connect(self._rename)
        self.delete_button.clicked.connect(lambda: self.runs.delete(self.chosen()))
        self.current_button.clicked.connect(lambda: self.runs.make_current(self.chosen()[0]))
        self.csv_button.clicked.connect(self._export_csv)
        buttons = QHBoxLayout()
        for b in (self.rename_button, self.delete_button, self.current_button, self.csv_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        plots = QWidget()
        row = QHBoxLayout(plots)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.loss_plot, 3)
        row.addWidget(self.acc_plot, 2)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(plots)
        split.setSizes([140, 260])
        split.setChildrenCollapsible(False)
        controls = QHBoxLayout()
        controls.addWidget(self.keep)
        controls.addStretch(1)
        controls.addWidget(self.smoothing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        layout.addWidget(self.diff)
        layout.addLayout(controls)

    # --- the table ------------------------------------------------------------------------
    def _fill(self) -> None:
        """Rows for the runs; a new run is chosen, else the choice stays."""
        chosen = self.chosen()
        new = [r for r in self.runs.runs if id(r) not in self._shown]
        self._shown = {id(r) for r in self.runs.runs}
        self.table.blockSignals(True)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        for run in self.runs.runs:
            r = self.table.rowCount()
            self.table.insertRow(r)
            for c, item in enumerate(_row(self.runs.runs, run)):
                item.setData(Qt.ItemDataRole.UserRole, index_of(self.runs.runs, run))
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        self.table.blockSignals(False)
        still = [r for r in chosen if index_of(self.runs.runs, r) >= 0]
        self.choose(new[-1:] or still or self.runs.runs[-1:])

    def choose(self, runs: list[Run]) -> None:
        """Select the rows of runs (what a click would do)."""
        wanted = {index_of(self.runs.runs, r) for r in runs}
        self.table.blockSignals(True)
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in range(self.table.rowCount()):
            if self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole) in wanted:
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, NAME))
        self.table.setSelectionMode(mode)
        self.table.blockSignals(False)
        self._draw()

    def chosen(self) -> list[Run]:
        """The selected runs, oldest first."""
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        indices = sorted(self.table.item(r, NAME).data(Qt.ItemDataRole.UserRole) for r in rows)
        return [self.runs.runs[i] for i in indices if 0 <= i < len(self.runs.runs)]

    def _rename(self) -> None:
        chosen = self.chosen()
        if chosen and self.table.state() != QAbstractItemView.State.EditingState:
            row = next(
                r
                for r in range(self.table.rowCount())
                if self.table.item(r, NAME).data(Qt.ItemDataRole.UserRole)
                == index_of(self.runs.runs, chosen[0])
            )
            self.table.editItem(self.table.item(row, NAME))

    def _renamed(self, item: QTableWidgetItem) -> None:
        if item.column() == NAME:
            index = item.data(Qt.ItemDataRole.UserRole)
            self.runs.rename(self.runs.runs[index], item.text())

    # --- the overlay ----------------------------------------------------------------------
    def _draw(self, *_: object) -> None:
        chosen, runs = self.chosen(), self.runs.runs
        for b in (self.delete_button, self.csv_button, self.rename_button):
            b.setEnabled(bool(chosen))
        self.current_button.setEnabled(len(chosen) == 1)
        self.diff.setText(
            differences(runs, chosen) if runs else "No runs yet: every Train is kept here."
        )
        level = self.smoothing.level()
        for plot in (self.loss_plot, self.acc_plot):
            plot.plotItem.clear()  # also empties the legend
        for run in chosen:
            colour = COLOURS[index_of(runs, run) % len(COLOURS)]
            label = run_label(runs, run)
            steps, loss = run.history.smoothed_loss(level)
            self.loss_plot.plot(steps, loss, pen=pg.mkPen(colour, width=2), name=label)
            epochs = run.history.epochs
            self.acc_plot.plot(
                [e.epoch for e in epochs],
                [e.val_accuracy for e in epochs],
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=5,
                symbolBrush=colour,
                symbolPen=None,
                name=label,
            )

    def _export_csv(self) -> None:
        from playground.core.io.history_csv import history_csv

        for run in self.chosen():
            label = run_label(self.runs.runs, run)
            start = str(Path.home() / f"{label.replace(' ', '-').lower()}.csv")
            path, _ = QFileDialog.getSaveFileName(
                self, f"Curves of {label} as CSV", start, "CSV (*.csv)"
            )
            if not path:
                return
            try:
                Path(path).write_text(history_csv(run.history), encoding="utf-8")
            except OSError as e:
                self.error.emit(f"Could not write {path}: {e.strerror or e}")
                return
            self.status.emit(f"Saved the curves of {label} to {path}")
