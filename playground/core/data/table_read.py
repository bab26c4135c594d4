"""A CSV/TSV file read as a header and rows of text: the delimiter and a decimal comma detected,
every limit kept, and a broken file refused in one line that says where."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from playground.core.errors import DatasetError
from playground.core.limits import (
    MAX_CELL,
    MAX_TABLE_BYTES,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    brief,
    check_not_special,
    mib,
)

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
DELIMITERS = ("\t", ";", ",", "|")  # preferred in this order when several fit
SNIFF_LINES = 50  # lines looked at to find the delimiter and the decimal mark
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
COMMA_NUMBER = re.compile(r"[+-]?\d*,\d+([eE][+-]?\d+)?")
MARKUP = re.compile(r"[<>\x00-\x1f\x7f]")  # a name shown in a label must not be rich text


@dataclass(frozen=True)
class RawTable:
    """A table's text: its column names, its rows (each as long as the header) and the file
    line each row began on, to say where a bad cell is."""

    name: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    delimiter: str
    decimal_comma: bool

    def where(self, row: int, column: int) -> str:
        """'iris.csv, line 12, column 'sepal'': a cell's place, as a person finds it."""
        return f"{self.name}, line {self.lines[row]}, column '{self.header[column]}'"


def is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES and path.is_file()


def read_raw_table(path: Path) -> RawTable:
    """path's header and rows; DatasetError, in one line naming the place, if it is too large,
    binary, ragged or otherwise not a table."""
    check_not_special(path, DatasetError)
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:  # said before a byte is read
        raise DatasetError(
            f"{path.name} is {mib(size)}: tables up to {mib(MAX_TABLE_BYTES)} are read; "
            "keep fewer rows or columns"
        )
    text = _decode(path.read_bytes(), path.name)
    delimiter = _delimiter(text, path.name)
    header, rows, lines = _parse(text, delimiter, path.name)
    sample = (cell for row in rows[:SNIFF_LINES] for cell in row)
    decimal_comma = delimiter != "," and any(COMMA_NUMBER.fullmatch(c) for c in sample)
    return RawTable(path.name, header, rows, lines, delimiter, decimal_comma)


def _decode(raw: bytes, name: str) -> str:
    if b"\0" in raw:
        raise DatasetError(f"{name} holds binary data: it is not a CSV or TSV table")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DatasetError(
            f"{name} is not UTF-8 text (byte {e.start:,}): save it as a UTF-8 CSV"
        ) from None


def _delimiter(text: str, name: str) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of cells, the
    most cells if several do; else the one that splits the header most (its ragged rows are
    then refused with their line)."""
    head = [line for line in text.splitlines()[: SNIFF_LINES * 2] if line.strip()][:SNIFF_LINES]
    counts = {d: [len(r) for r in csv.reader(head, delimiter=d)] for d in DELIMITERS}
    even = [d for d, c in counts.items() if c and min(c) == max(c) > 1]
    if even:
        return max(even, key=lambda d: counts[d][0])  # max keeps the first of equals
    widest = max(DELIMITERS, key=lambda d: counts[d][0] if counts[d] else 0)
    if not head or counts[widest][0] < 2:
        raise DatasetError(
            f"{name} has one column: a table needs a target and at least one input, "
            "separated by commas, semicolons, tabs or |"
        )
    return widest


def _parse(text: str, delimiter: str, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for cells in reader:
            line = reader.line_num
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue  # blank lines are not rows
            if header is None:
                header = _header(cells, name)
                if all(NUMBER.fullmatch(c) or COMMA_NUMBER.fullmatch(c) for c in cells):
                    header = [f"column {i + 1}" for i in range(len(cells))]
                else:
                    continue
            _check_row(cells, header, line, name)
            if len(rows) == MAX_TABLE_ROWS:
                raise DatasetError(f"{name} has more than {MAX_TABLE_ROWS:,} rows: keep fewer")
            rows.append(cells)
            lines.append(line)
    except csv.Error as e:
        raise DatasetError(f"{name}, line {reader.line_num}: {e}") from None
    if header is None:
        raise DatasetError(f"{name} is empty: a table needs a header and rows")
    return header, rows, lines


def _header(cells: list[str], name: str) -> list[str]:
    """The column names: each checked, blank ones named by their place."""
    if len(cells) > MAX_TABLE_COLUMNS:
        raise DatasetError(
            f"{name} has {len(cells):,} columns: at most {MAX_TABLE_COLUMNS:,} are read"
        )
    names = [c or f"column {i + 1}" for i, c in enumerate(cells)]
    for i, n in enumerate(names):
        if len(n) > MAX_CELL:
            raise DatasetError(
                f"{name}: column {i + 1}'s name is longer than {MAX_CELL} characters"
            )
        if MARKUP.search(n):
            raise DatasetError(
                f"{name}: column {i + 1}'s name {brief(n)} holds markup or control characters "
                "(< > or invisible ones): rename it"
            )
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise DatasetError(f"{name}: two columns are named '{n}': rename one")
        seen.add(n)
    return names


def _check_row(cells: list[str], header: list[str], line: int, name: str) -> None:
    if len(cells) != len(header):
        raise DatasetError(
            f"{name}, line {line}: {len(cells)} cells but the header has {len(header)} "
            "columns: every row needs one cell per column"
        )
    for i, cell in enumerate(cells):
        if len(cell) > MAX_CELL:
            raise DatasetError(
                f"{name}, line {line}, column '{header[i]}': a cell of {len(cell):,} characters "
                f"(at most {MAX_CELL})"
            )
