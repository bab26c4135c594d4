"""A table as a data set: the target as classes or as a standardised number, numeric inputs
standardised on the training part only, categorical ones one-hot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from playground.core.data.dataset import Dataset, apply_normalisation, split
from playground.core.data.ref import CLASSIFICATION, DatasetRef, Preprocessing
from playground.core.data.table import (
    CATEGORICAL,
    NUMERIC,
    Column,
    Table,
    TableChoice,
    input_columns,
    read_table,
    target_column,
    task_of,
)
from playground.core.data.table_read import MARKUP
from playground.core.errors import DatasetError
from playground.core.limits import MAX_CLASSES, MAX_DATASET_BYTES, brief, mib

Target = tuple[torch.Tensor, list[str], tuple[float, float]]  # y, class names, (mean, spread)


def load_table(
    path: Path, ref: DatasetRef, choice: TableChoice, seed: int, val_fraction: float
) -> Dataset:
    """The data set choice makes of the table in path, split with seed."""
    return table_dataset(read_table(path), ref, choice, seed, val_fraction)


def table_dataset(
    table: Table, ref: DatasetRef, choice: TableChoice, seed: int, val_fraction: float
) -> Dataset:
    task = task_of(table, choice)
    columns = input_columns(table, choice)
    n = table.rows
    rows = torch.arange(n)
    train, _, val, _ = split(rows, rows, val_fraction, seed)
    target = target_column(table, choice)
    y, class_names, scale = (
        _classes(table, target) if task == CLASSIFICATION else _numbers(table, target, train)
    )
    x, names, numeric = _inputs(table, columns, choice.fill, train)
    std = np.where(numeric, x[train].std(axis=0, ddof=1), 1.0)  # a table has 2+ training rows
    mean = np.where(numeric, x[train].mean(axis=0), 0.0)  # one-hot inputs stay 0 and 1
    pre = Preprocessing(
        "points",
        tuple(mean.tolist()),
        tuple(np.maximum(std, 1e-6).tolist()),
        inputs=tuple(names),
        task=task,
        target=scale,
    )
    xt = torch.from_numpy(x)
    return Dataset(
        table.name,
        ref,
        apply_normalisation(xt[train], pre),
        y[train],
        apply_normalisation(xt[val], pre),
        y[val],
        class_names,
        pre,
    )


def _classes(table: Table, target: Column) -> Target:
    """Class indices and names: the sorted different numbers or words of the target."""
    gap = target.first_gap() if target.kind == NUMERIC else None
    if target.kind != NUMERIC and "" in target.categories:
        gap = target.cells.index("")
    if gap is not None:
        raise DatasetError(
            f"{table.where(target, gap)}: {_what(target.cells[gap])} is not a class; every row "
            "needs its target"
        )
    if target.kind == NUMERIC:
        values, labels = np.unique(target.numbers, return_inverse=True)
        names = [f"{v:g}" for v in values]
    else:
        names = list(target.categories)
        index = {c: i for i, c in enumerate(names)}
        labels = np.array([index[c] for c in target.cells])
    if len(names) > MAX_CLASSES:
        raise DatasetError(
            f"{table.name}: the target '{target.name}' has {len(names):,} classes, more than "
            f"the {MAX_CLASSES:,} allowed"
        )
    marked = next((n for n in names if MARKUP.search(n)), None)
    if marked is not None:
        raise DatasetError(
            f"{table.name}: the class {brief(marked)} holds markup or control characters "
            "(< > or invisible ones): rename it"
        )
    return torch.from_numpy(labels.astype(np.int64)), names, (0.0, 1.0)


def _numbers(table: Table, target: Column, train: torch.Tensor) -> Target:
    """The target standardised on the training part, its one name, its mean and spread."""
    gap = target.first_gap()
    if gap is not None:
        raise DatasetError(
            f"{table.where(target, gap)}: {_what(target.cells[gap])} is not a number; every "
            "row needs its target"
        )
    known = target.numbers[train.numpy()]
    mean, std = float(known.mean()), float(known.std(ddof=1)) if len(known) > 1 else 0.0
    if std <= 0:
        raise DatasetError(
            f"{table.name}: the target '{target.name}' has one value in every training row: "
            "there is nothing to learn"
        )
    y = ((target.numbers - mean) / std).astype(np.float32)
    return torch.from_numpy(y), [target.name], (mean, std)


def _inputs(
    table: Table, columns: list[Column], fill: bool, train: torch.Tensor
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The input matrix (rows × inputs, float32), each input's name, and which are numeric
    (the others are one-hot)."""
    width = sum(1 if c.kind == NUMERIC else len(c.categories) for c in columns)
    if table.rows * width * 4 > MAX_DATASET_BYTES:
        raise DatasetError(
            f"{table.name} makes {table.rows:,} × {width:,} inputs, more than "
            f"{mib(MAX_DATASET_BYTES)}: choose fewer columns or keep fewer rows"
        )
    parts, names, numeric = [], [], []
    for c in columns:
        if c.kind == NUMERIC:
            parts.append(_filled(table, c, fill, train)[:, None])
            names.append(c.name)
            numeric.append(True)
        elif c.kind == CATEGORICAL:
            index = {v: i for i, v in enumerate(c.categories)}
            hot = np.zeros((table.rows, len(c.categories)))
            hot[np.arange(table.rows), [index[v] for v in c.cells]] = 1.0
            parts.append(hot)
            names += [f"{c.name}={v or '(blank)'}" for v in c.categories]
            numeric += [False] * len(c.categories)
    return np.concatenate(parts, axis=1).astype(np.float32), names, np.array(numeric)


def _filled(table: Table, column: Column, fill: bool, train: torch.Tensor) -> np.ndarray:
    """A numeric column's numbers; a gap refused with its place, or filled with the mean of
    the column's training rows when fill."""
    gap = column.first_gap()
    if gap is None:
        return column.numbers
    if not fill:
        raise DatasetError(
            f"{table.where(column, gap)}: {_what(column.cells[gap])} is not a number; mend "
            "the file, or fill the gaps with the column's mean (--fill)"
        )
    known = column.numbers[train.numpy()]
    known = known[~np.isnan(known)]
    if not len(known):
        raise DatasetError(
            f"{table.name}: the column '{column.name}' has no number in its training rows to "
            "fill its gaps with"
        )
    return np.where(np.isnan(column.numbers), known.mean(), column.numbers)


def _what(cell: str) -> str:
    return brief(cell) if cell else "a blank cell"
