"""The table a project was trained on, kept inside the project file (the file's bytes, within
MAX_KEPT_TABLE_BYTES) so that the project opens and trains again where the table is not: on
another machine, or after the file moved. Where the file is still there it is read as before."""

from __future__ import annotations

import hashlib
import os
import secrets
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.core.cache import user_cache_dir
from playground.core.data.ref import DatasetRef
from playground.core.data.table_read import MARKUP, TABLE_SUFFIXES
from playground.core.errors import ProjectError
from playground.core.limits import MAX_CELL, MAX_KEPT_TABLE_BYTES, mib

if TYPE_CHECKING:
    from playground.core.io.project import Project

MEMBER = "table.data"  # the table's bytes inside the project's zip


@dataclass(frozen=True)
class KeptTable:
    """A table file's name and bytes, as a project keeps them."""

    name: str
    raw: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.digest, "bytes": len(self.raw)}


def table_path(ref: DatasetRef) -> Path | None:
    """The table file ref reads, or None for any other data set."""
    path = Path(ref.source)
    with suppress(RuntimeError):  # "~name" of a user who does not exist
        path = path.expanduser()
    return path if path.suffix.lower() in TABLE_SUFFIXES else None


def table_to_keep(ref: DatasetRef) -> tuple[KeptTable | None, str | None]:
    """(the table to keep in the project, None) or (None, why only its path is kept); (None,
    None) for a data set that is not a table."""
    path = table_path(ref)
    if path is None:
        return None, None
    kept_path = f"the project keeps only the path to {path.name}"
    try:
        size = path.stat().st_size
        if size > MAX_KEPT_TABLE_BYTES:
            return None, (
                f"{path.name} is {mib(size)}, more than the {mib(MAX_KEPT_TABLE_BYTES)} a "
                f"project keeps: {kept_path}"
            )
        with open(path, "rb") as f:
            raw = f.read(MAX_KEPT_TABLE_BYTES + 1)
    except OSError as e:
        return None, f"{path.name} could not be read ({e.strerror or e}): {kept_path}"
    if len(raw) > MAX_KEPT_TABLE_BYTES:  # it grew since stat
        return None, f"{path.name} is over {mib(MAX_KEPT_TABLE_BYTES)}: {kept_path}"
    return KeptTable(path.name, raw), None


def read_kept_table(entry: Any, raw: bytes) -> KeptTable:
    """The kept table as project.json describes it; ProjectError if the two disagree."""
    if not isinstance(entry, dict):
        raise ProjectError("project.json: table must describe the kept table")
    name, digest = entry.get("name"), entry.get("sha256")
    if (
        not isinstance(name, str)
        or not 0 < len(name) <= MAX_CELL
        or Path(name).name != name
        or name in (".", "..")
        or MARKUP.search(name)
        or Path(name).suffix.lower() not in TABLE_SUFFIXES
    ):
        raise ProjectError("project.json: the kept table's name must be a CSV/TSV file name")
    table = KeptTable(name, raw)
    if digest != table.digest:
        raise ProjectError(f"the table {name} kept in the project is damaged (its digest differs)")
    return table


def with_kept_table(project: Project, table: KeptTable) -> Project:
    """project reading its kept table where the table file is not at its path any more: the
    table is written to the cache once and the data set (and the runs on it) point there."""
    path = table_path(project.dataset)
    if path is None or path.is_file():
        return project
    copy = _cached(table)
    old = project.dataset.source
    runs = [
        replace(r, dataset=replace(r.dataset, source=str(copy))) if r.dataset.source == old else r
        for r in project.runs
    ]
    note = f"{table.name} is not at {old}: the project uses the copy kept inside it"
    return replace(
        project,
        dataset=replace(project.dataset, source=str(copy)),
        runs=runs,
        notes=[*project.notes, note],
    )


def _cached(table: KeptTable) -> Path:
    """The table's bytes as a file in the cache, named as it was (written once per content)."""
    path = user_cache_dir("tables") / table.digest[:32] / table.name
    with suppress(OSError):
        if path.read_bytes() == table.raw:
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{secrets.token_hex(4)}.tmp")
        try:
            tmp.write_bytes(table.raw)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as e:
        raise ProjectError(
            f"could not unpack the kept table {table.name} into {path.parent}: {e.strerror or e}"
        ) from None
    return path
