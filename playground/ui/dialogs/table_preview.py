"""A table before it loads: its first rows, each column's kind, and the choice of the target,
the inputs, the task and whether gaps are filled."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.ref import TASKS, DatasetRef
from playground.core.data.table import TEXT, Table, TableChoice, task_of
from playground.core.errors import DatasetError
from playground.ui.widgets.dialog_buttons import load_buttons

PREVIEW_ROWS = 20
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}


class TablePreviewDialog(QDialog):
    """Load or Cancel, having seen the table and chosen what to learn from it."""

    def __init__(self, path: str, table: Table, parent: QWidget) -> None:
        super().__init__(parent)
        self.path, self.table = path, table
        self.setWindowTitle(f"Open table: {table.name}")
        raw = table.raw
        comma = ", decimal commas" if raw.decimal_comma else ""
        self.summary = QLabel(
            f"{table.rows:,} rows, {len(table.columns)} columns, separated by "
            f"{DELIMITER_NAMES[raw.delimiter]}{comma}."
        )
        self.grid = QTableWidget(min(PREVIEW_ROWS, table.rows), len(table.columns))
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.grid.setHorizontalHeaderLabels([f"{c.name}\n({c.kind})" for c in table.columns])
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for r in range(self.grid.rowCount()):
            for c, column in enumerate(table.columns):
                self.grid.setItem(r, c, QTableWidgetItem(column.cells[r]))
        self.target = QComboBox()
        for c in table.columns:
            self.target.addItem(f"{c.name} ({c.kind})", c.name)
        self.target.setCurrentIndex(len(table.columns) - 1)
        self.task = QComboBox()
        self.task.addItem("as the target's kind says", "")
        for task in TASKS:
            self.task.addItem(task, task)
        self.inputs = QListWidget()
        self.fill = QCheckBox("Fill a blank or non-numeric cell with the column's training mean")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Target (to predict)", self.target)
        form.addRow("Task", self.task)
        form.addRow("Inputs", self.inputs)
        form.addRow("", self.fill)
        self.buttons, self.load = load_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.grid, 1)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        self.target.currentIndexChanged.connect(self._list_inputs)
        self.task.currentIndexChanged.connect(self._judge)
        self.inputs.itemChanged.connect(self._judge)
        self._list_inputs()
        self.resize(820, 620)

    def _list_inputs(self) -> None:
        """Every column but the target, ticked unless it is text (names, ids)."""
        self.inputs.blockSignals(True)
        self.inputs.clear()
        for c in self.table.columns:
            if c.name == self.target.currentData():
                continue
            item = QListWidgetItem(f"{c.name} ({c.kind})")
            item.setData(Qt.ItemDataRole.UserRole, c.name)
            usable = c.kind != TEXT
            item.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | (Qt.ItemFlag.ItemIsEnabled if usable else Qt.ItemFlag.NoItemFlags)
            )
            item.setCheckState(Qt.CheckState.Checked if usable else Qt.CheckState.Unchecked)
            self.inputs.addItem(item)
        self.inputs.blockSignals(False)
        self._judge()

    def choice(self) -> TableChoice:
        ticked = [
            self.inputs.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.inputs.count())
            if self.inputs.item(i).checkState() == Qt.CheckState.Checked
        ]
        return TableChoice(
            self.target.currentData(), tuple(ticked), self.task.currentData(), self.fill.isChecked()
        )

    def _judge(self, *_: object) -> None:
        """Say what the choice makes (classes or a number), or why it cannot load."""
        choice = self.choice()
        try:
            if not choice.inputs:
                raise DatasetError("tick at least one input column")
            task = task_of(self.table, choice)
        except DatasetError as e:
            self.verdict.setText(str(e))
            self.load.setEnabled(False)
            return
        target = self.table.column(choice.target)
        what = f"{len(set(target.cells))} classes" if task == "classification" else "a number"
        self.verdict.setText(
            f"The network learns {what} ({task}) from {len(choice.inputs)} input columns."
        )
        self.load.setEnabled(True)

    def ref(self) -> DatasetRef:
        """The data set the choice makes, as load_dataset takes it."""
        c = self.choice()
        options: dict[str, str | int] = {"target": c.target, "inputs": ",".join(c.inputs)}
        if c.task:
            options["task"] = c.task
        if c.fill:
            options["fill"] = 1
        return DatasetRef(self.path, options)
