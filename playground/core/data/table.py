"""A table's columns with their kinds (numeric, categorical, text), and the choice of its target
and inputs: what a table data set is made of before it becomes tensors (table_data.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.core.data.ref import CLASSIFICATION, REGRESSION, TASKS
from playground.core.data.table_read import COMMA_NUMBER, NUMBER, RawTable, read_raw_table
from playground.core.errors import DatasetError
from playground.core.limits import MAX_CATEGORIES, brief

NUMERIC, CATEGORICAL, TEXT = "numeric", "categorical", "text"
NUMERIC_SHARE = 0.9  # a column this much numbers is numeric; its other cells are gaps
MAX_AUTO_CLASSES = 20  # a whole-number target with at most this many values is classes
MISSING = {"nan", "na", "n/a", "null", "none", "?"}  # what exporters write for a gap
INFINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


@dataclass(frozen=True, eq=False)  # the same column is the same object
class Column:
    """One column: its cells as written, their numbers (NaN where a cell is no number) and
    its kind; categories are the sorted different values of a categorical or text column."""

    name: str
    index: int
    kind: str
    cells: list[str]
    numbers: np.ndarray
    categories: tuple[str, ...]

    def first_gap(self) -> int | None:
        """The row of the first cell that is no number (a blank, NaN, a word), or None."""
        bad = np.flatnonzero(np.isnan(self.numbers))
        return int(bad[0]) if len(bad) else None

    @property
    def whole(self) -> bool:
        """Every number a whole one (a numeric column of class labels)."""
        n = self.numbers[~np.isnan(self.numbers)]
        return bool(len(n)) and bool(np.all(n == np.round(n)))


@dataclass(frozen=True)
class Table:
    raw: RawTable
    columns: list[Column]

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def rows(self) -> int:
        return len(self.raw.rows)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        names = ", ".join(c.name for c in self.columns[:8]) + (" …" * (len(self.columns) > 8))
        raise DatasetError(f"{self.name} has no column {brief(name)} (its columns: {names})")

    def where(self, column: Column, row: int) -> str:
        return self.raw.where(row, column.index)


@dataclass(frozen=True)
class TableChoice:
    """What to learn from a table: the target column, the input columns (() for every usable
    one), the task ("" for the target's kind to decide) and whether gaps in numeric inputs are
    filled with the column's training mean."""

    target: str = ""  # "" for the last column
    inputs: tuple[str, ...] = ()
    task: str = ""
    fill: bool = False


def read_table(path: Path) -> Table:
    """The table in path with each column's kind; DatasetError in one line if it is not one a
    network can learn from."""
    raw = read_raw_table(path)
    if len(raw.rows) < 3:
        raise DatasetError(
            f"{raw.name} has {len(raw.rows)} row{'s' * (len(raw.rows) != 1)}: too few to train "
            "on and validate; a table needs at least 3"
        )
    columns = [_column(raw, i) for i in range(len(raw.header))]
    return Table(raw, columns)


def _column(raw: RawTable, i: int) -> Column:
    cells = [row[i] for row in raw.rows]
    numbers = np.array([_number(c, raw.decimal_comma) for c in cells], dtype=np.float64)
    infinite = np.flatnonzero(np.isinf(numbers))
    if len(infinite):
        row = int(infinite[0])
        raise DatasetError(
            f"{raw.where(row, i)}: {cells[row]} is not a finite number; a network cannot "
            "learn from infinities"
        )
    given = sum(1 for c in cells if c and c.lower() not in MISSING)
    found = int(np.sum(~np.isnan(numbers)))
    distinct = tuple(sorted(set(cells)))
    if given and found >= NUMERIC_SHARE * given:
        kind = NUMERIC
    elif len(distinct) <= min(MAX_CATEGORIES, max(2, len(cells) // 2)):
        kind = CATEGORICAL
    else:
        kind = TEXT
    return Column(raw.header[i], i, kind, cells, numbers, () if kind == NUMERIC else distinct)


def _number(cell: str, decimal_comma: bool) -> float:
    """cell as a number; NaN for a blank, a word or a missing mark; ±inf for an infinity."""
    if decimal_comma and COMMA_NUMBER.fullmatch(cell):
        cell = cell.replace(",", ".")
    if NUMBER.fullmatch(cell):
        return float(cell)
    if cell.lower() in INFINITE:
        return math.inf
    return math.nan


def target_column(table: Table, choice: TableChoice) -> Column:
    return table.column(choice.target) if choice.target else table.columns[-1]


def task_of(table: Table, choice: TableChoice) -> str:
    """The task chosen, or the target's kind's: words or a few whole numbers are classes,
    other numbers a regression. DatasetError if the target cannot be learned that way."""
    target = target_column(table, choice)
    if choice.task and choice.task not in TASKS:
        raise DatasetError(f"the task must be {' or '.join(TASKS)}, not {brief(choice.task)}")
    numeric = target.kind == NUMERIC
    values = len(set(target.cells))
    task = choice.task or (
        REGRESSION if numeric and not (target.whole and values <= MAX_AUTO_CLASSES) else ""
    )
    if task == REGRESSION and not numeric:
        raise DatasetError(
            f"{table.name}: the target '{target.name}' holds words, not numbers: it can be "
            "learned as classes, not as a regression"
        )
    if values < 2:
        raise DatasetError(
            f"{table.name}: the target '{target.name}' has one value ({brief(target.cells[0])}) "
            "in every row: there is nothing to learn; choose another target"
        )
    return task or CLASSIFICATION


def input_columns(table: Table, choice: TableChoice) -> list[Column]:
    """The inputs chosen, or every numeric and categorical column but the target's."""
    target = target_column(table, choice)
    if choice.inputs:
        chosen = [table.column(n) for n in choice.inputs]
        if target in chosen:
            raise DatasetError(f"'{target.name}' is the target: it cannot be an input too")
        text = [c for c in chosen if c.kind == TEXT]
        if text:
            raise DatasetError(
                f"{table.name}: the column '{text[0].name}' is text with "
                f"{len(text[0].categories):,} different values, not an input a network can use"
            )
        return chosen
    chosen = [c for c in table.columns if c is not target and c.kind != TEXT]
    if not chosen:
        raise DatasetError(
            f"{table.name}: no column but the target holds numbers or categories to learn from"
        )
    return chosen
