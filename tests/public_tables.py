"""scikit-learn's bundled tables (read from the CSV files inside its package) written as
ordinary CSV files with a header line, the way a person's own tables look."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from sklearn import datasets


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def iris_csv(folder: Path) -> Path:
    """Iris with its species as words in the last column."""
    d = datasets.load_iris()
    rows = [[*x, d.target_names[t]] for x, t in zip(d.data, d.target, strict=True)]
    return write_csv(folder / "iris.csv", [*d.feature_names, "species"], rows)


def iris_semicolon_csv(folder: Path) -> Path:
    """Iris as a spreadsheet in a comma-decimal country saves it: "5,1;3,5;…"."""
    d = datasets.load_iris()
    rows = [
        [f"{v:g}".replace(".", ",") for v in x] + [d.target_names[t]]
        for x, t in zip(d.data, d.target, strict=True)
    ]
    header = ["sepal length", "sepal width", "petal length", "petal width", "species"]
    return write_csv(folder / "iris-semicolon.csv", header, rows, delimiter=";")


def wine_csv(folder: Path) -> Path:
    """Wine with its class as a whole number in the first column."""
    d = datasets.load_wine()
    rows = [[int(t), *x] for x, t in zip(d.data, d.target, strict=True)]
    return write_csv(folder / "wine.csv", ["class", *d.feature_names], rows)


def breast_cancer_tsv(folder: Path) -> Path:
    d = datasets.load_breast_cancer()
    rows = [[*x, d.target_names[t]] for x, t in zip(d.data, d.target, strict=True)]
    return write_csv(folder / "cancer.tsv", [*d.feature_names, "diagnosis"], rows, "\t")


def diabetes_csv(folder: Path) -> Path:
    """Diabetes in its raw units (age in years, sex 1 or 2), progression as the target."""
    d = datasets.load_diabetes(scaled=False)
    rows = [[*x, y] for x, y in zip(d.data, d.target, strict=True)]
    return write_csv(folder / "diabetes.csv", [*d.feature_names, "progression"], rows)


def prices_csv(folder: Path, rows: int = 120) -> Path:
    """A made-up regression table with a categorical input: price = 3·size + 5·colour."""
    rng = np.random.default_rng(0)
    colours = ["red", "green", "blue"]
    table = []
    for _ in range(rows):
        size, colour = rng.uniform(1, 9), colours[rng.integers(3)]
        price = 3 * size + 5 * colours.index(colour) + rng.normal(0, 0.5)
        table.append([f"{size:.3f}", colour, f"{price:.3f}"])
    return write_csv(folder / "prices.csv", ["size", "colour", "price"], table)
