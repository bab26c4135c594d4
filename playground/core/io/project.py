"""Project files: one zip with project.json, weights.safetensors and history.json, the
training runs kept (runs.json, with their kept weights in runs.safetensors) and the table
trained on (table.data, see project_table).

Written atomically (temporary file + rename), through a symbolic link and keeping the file's
permissions. Reading never unpickles anything and checks every member against limits.
"""

from __future__ import annotations

import glob
import json
import math
import os
import secrets
import stat
import time
import zipfile
import zlib
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safetensors import SafetensorError

from playground.core.data.ref import DatasetRef, Preprocessing
from playground.core.errors import PlaygroundError, ProjectError
from playground.core.inspect.familiarity import Familiarity
from playground.core.io import project_table
from playground.core.io.project_seal import seal
from playground.core.limits import (
    MAX_CLASS_NAME,
    MAX_CLASSES,
    MAX_DEVICE_NAME,
    MAX_HISTORY_BYTES,
    MAX_KEPT_TABLE_BYTES,
    MAX_PROJECT_JSON_BYTES,
    MAX_RUNS,
    MAX_RUNS_JSON_BYTES,
    MAX_WEIGHTS_BYTES,
    brief,
    check_inflation,
    check_not_special,
    finite_number,
    mib,
    parse_json,
    read_limited,
)
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.events import EpochMetrics, RunStatus
from playground.core.training.history import History
from playground.core.training.runs import MAX_RUN_NAME, STATUSES, Run

if TYPE_CHECKING:  # torch is imported where weights are touched: the window opens without it
    import torch
    from torch import nn

FORMAT = "playground.project"
VERSION = 1
SUFFIX = ".playground"
# what the seal covers, in its order
SEALED_MEMBERS = ("weights.safetensors", "history.json", "runs.json", "runs.safetensors")
MEMBER_LIMITS = {  # refuse zip bombs before inflating them
    "project.json": MAX_PROJECT_JSON_BYTES,
    "weights.safetensors": MAX_WEIGHTS_BYTES,
    "history.json": MAX_HISTORY_BYTES,
    "runs.json": MAX_RUNS_JSON_BYTES,
    "runs.safetensors": MAX_WEIGHTS_BYTES,  # the runs' kept weights, keys 'RUN/NAME'
    project_table.MEMBER: MAX_KEPT_TABLE_BYTES,
}
TEMPORARY = ".playground-tmp"  # the suffix of a save's temporary file, beside its target
STALE_TEMPORARY_S = 15 * 60  # a save takes seconds; a temporary file this old was abandoned


@dataclass
class Project:
    spec: NetworkSpec
    dataset: DatasetRef
    config: TrainConfig = field(default_factory=TrainConfig)
    class_names: list[str] = field(default_factory=list)
    preprocessing: Preprocessing | None = None
    weights: dict[str, torch.Tensor] | None = None
    history: History = field(default_factory=History)
    runs: list[Run] = field(default_factory=list)  # oldest first, at most MAX_RUNS
    familiarity: Familiarity | None = None  # to flag inputs unlike the training data
    notes: list[str] = field(default_factory=list)  # what opening it had to say; not saved
    # the history and settings are the app's own record of how the weights trained (False:
    # read from a file whose seal does not match; saving it then writes no seal)
    sealed: bool = True

    def build_trained_model(self) -> nn.Sequential:
        """The network with the saved weights loaded; ProjectError if they do not fit."""
        from playground.core.model.build import build_model

        model = build_model(self.spec, len(self.class_names) or None)
        if self.weights is not None:
            try:
                model.load_state_dict(self.weights, strict=True)
            except RuntimeError as e:
                first = str(e).splitlines()[0]
                raise ProjectError(f"the saved weights do not fit the network ({first})") from None
        return model


def save_project(path: str | Path, project: Project) -> str | None:
    """Write the project atomically; ProjectError (old file intact) if it cannot be written.
    Returns a note for the user when its table is too large to keep inside (its path is kept).

    A symbolic link is written through (the file it points at is replaced, the link stays) and
    an existing file keeps its permissions; a new one gets the usual ones (0666 less umask)."""
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    if target.is_dir():
        raise ProjectError(
            f"could not save {path}: it is a folder; choose a file name ending in {SUFFIX}"
        )
    sweep_temporaries(target.parent)
    meta = project_meta(project)
    table, note = project_table.table_to_keep(project.dataset)
    if table is not None:
        meta["table"] = table.to_dict()
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMPORARY}")
    try:
        # 0o666 less the umask, as any new file; mkstemp's 0600 would stick to the project
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as f:
            members = _record_members(project)
            if project.sealed:
                meta["seal"] = seal(meta, *(members.get(n, b"") for n in SEALED_MEMBERS))
            with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("project.json", json.dumps(meta, indent=2))
                for name, data in members.items():
                    z.writestr(name, data)
                if table is not None:
                    z.writestr(project_table.MEMBER, table.raw)
            f.flush()
            os.fsync(f.fileno())
        with suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except OSError as e:
        raise ProjectError(f"could not save {path.name}: {e.strerror or e}") from None
    finally:  # on any failure, even an interrupt, no temporary file is left behind
        tmp.unlink(missing_ok=True)
    return note


def project_meta(project: Project) -> dict[str, Any]:
    """What project.json holds: everything but the weights and the history."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "network": project.spec.to_dict(),
        "dataset": project.dataset.to_dict(),
        "training": project.config.to_dict(),
        "class_names": list(project.class_names),
        "preprocessing": project.preprocessing.to_dict() if project.preprocessing else None,
        "familiarity": project.familiarity.to_dict() if project.familiarity else None,
    }


def sweep_temporaries(folder: str | Path) -> None:
    """Delete the temporary files of saves that were killed mid-write (older than
    STALE_TEMPORARY_S, so a save still under way elsewhere is left alone)."""
    pattern = os.path.join(glob.escape(str(folder)), f".*{TEMPORARY}")
    now = time.time()
    for name in glob.glob(pattern):
        with suppress(OSError):  # gone already, or not ours to delete
            if now - os.stat(name).st_mtime > STALE_TEMPORARY_S:
                os.unlink(name)


def _weights_bytes(weights: dict[str, torch.Tensor]) -> bytes:
    from safetensors.torch import save as save_safetensors

    return save_safetensors({k: v.detach().cpu().contiguous() for k, v in weights.items()})


def load_project(path: str | Path) -> Project:
    """Read a project; ProjectError with a plain reason for anything foreign, corrupt or newer."""
    path = Path(path)
    check_not_special(path, ProjectError)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as e:
        raise ProjectError(f"cannot open {path.name}: {e.strerror or e}") from None
    if head[:1] == b"\x80":
        raise ProjectError(_pickle_refusal(path))
    if head != b"PK\x03\x04":
        raise ProjectError(f"{path.name} is not a Neural Playground project")
    sweep_temporaries(path.parent)
    try:
        with zipfile.ZipFile(path) as z:
            return _read_members(path, z)
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as e:
        raise ProjectError(f"{path.name} is damaged or truncated ({e})") from None
    except (NotImplementedError, RuntimeError) as e:  # an unknown compression, a password
        raise ProjectError(f"{path.name} cannot be read: {e}; save it again from the app") from None


def _read_members(path: Path, z: zipfile.ZipFile) -> Project:
    names = set(z.namelist())
    if any(n.endswith(".pkl") or n.endswith("data.pkl") for n in names):
        raise ProjectError(_pickle_refusal(path))
    if "project.json" not in names:
        raise ProjectError(f"{path.name} is not a Neural Playground project (no project.json)")
    meta = _json(path, z, "project.json")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ProjectError(f"{path.name} is not a Neural Playground project")
    version = meta.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ProjectError(
            f"{path.name} was saved by a newer Neural Playground (project version {version}); "
            "update the app to open it"
        )
    raw = dict.fromkeys(SEALED_MEMBERS, b"")
    try:
        project = _project_from_meta(meta)
        if "history.json" in names:
            # a diverged run's record may hold NaN: metrics, not numbers the app computes with
            raw["history.json"] = _member(path, z, "history.json")
            history = parse_json(raw["history.json"], "history.json", finite=False)
            project.history = _history(history)
        if "runs.json" in names:
            raw["runs.json"] = _member(path, z, "runs.json")
            runs = parse_json(raw["runs.json"], "runs.json", finite=False)
            project.runs = _runs(runs)
    except (PlaygroundError, KeyError, TypeError, ValueError, OverflowError) as e:
        raise ProjectError(f"{path.name} has invalid contents: {e}") from None
    if "weights.safetensors" in names:
        raw["weights.safetensors"] = _member(path, z, "weights.safetensors")
        project.weights = _weights(path, raw["weights.safetensors"])
    if "runs.safetensors" in names:
        raw["runs.safetensors"] = _member(path, z, "runs.safetensors")
        weights = _weights(path, raw["runs.safetensors"])
        project.runs = _with_run_weights(path, project.runs, weights)
    if project.weights is not None or project.runs:
        _check_seal(project, meta, raw)
    if "table" in meta and project_table.MEMBER in names:
        table = project_table.read_kept_table(meta["table"], _member(path, z, project_table.MEMBER))
        project = project_table.with_kept_table(project, table)
    return project


def _record_members(project: Project) -> dict[str, bytes]:
    """The zip members of the weights and the training record (those the project has)."""
    from playground.core.model.build import weights_as_read_back

    members = {"history.json": json.dumps(project.history.to_dict()).encode()}
    if project.weights is not None:
        weights = weights_as_read_back(project.spec, project.weights)
        members["weights.safetensors"] = _weights_bytes(weights)
    if project.runs:
        members["runs.json"] = json.dumps([r.to_dict() for r in project.runs]).encode()
    kept = {
        f"{i}/{k}": v
        for i, r in enumerate(project.runs)
        if r.weights is not None
        for k, v in (weights_as_read_back(r.spec, r.weights) if r.spec else r.weights).items()
    }
    if kept:
        members["runs.safetensors"] = _weights_bytes(kept)
    return members


def _check_seal(project: Project, meta: dict[str, Any], raw: dict[str, bytes]) -> None:
    """Trust the project's training record (and its runs') only if its seal matches."""
    parts = (raw[name] for name in SEALED_MEMBERS)
    project.sealed = meta.get("seal") == seal(meta, *parts)
    if not project.sealed:
        project.runs = [replace(r, trusted=False) for r in project.runs]
    if "seal" in meta and not project.sealed:
        project.notes.append(
            "Its training record does not match its weights (was it changed outside the "
            "app?): practice checks will ask for the network to be trained again."
        )


def _member(path: Path, z: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, refused before inflating if it declares more than its limit, and cut
    off at the limit whatever it declares."""
    limit = MEMBER_LIMITS[name]
    what = f"{name} inside {path.name}"
    info = z.getinfo(name)
    if info.file_size > limit:
        raise ProjectError(f"{what} is larger than {mib(limit)}: the file is not a real project")
    check_inflation(info.compress_size, info.file_size, what, ProjectError)
    with z.open(name) as member:
        return read_limited(member, limit, what, ProjectError)


def _json(path: Path, z: zipfile.ZipFile, name: str) -> Any:
    return parse_json(_member(path, z, name), f"{name} inside {path.name}", ProjectError)


def _weights(path: Path, raw: bytes) -> dict[str, torch.Tensor]:
    import torch
    from safetensors.torch import load as load_safetensors

    try:
        weights = load_safetensors(raw)
    except (SafetensorError, ValueError, TypeError) as e:
        raise ProjectError(f"the weights in {path.name} are damaged ({e})") from None
    for name, tensor in weights.items():
        if not _is_weight_dtype(name, tensor):
            kind = str(tensor.dtype).removeprefix("torch.")
            raise ProjectError(
                f"the weights in {path.name} are not a network's: {name} holds {kind}, not "
                "floating-point numbers"
            )
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise ProjectError(
                f"the weights in {path.name} hold NaN or infinite values ({name}): train the "
                "network again"
            )
    return weights


def _is_weight_dtype(name: str, tensor: torch.Tensor) -> bool:
    """Floating point, or a BatchNorm's count of batches (int64). Loading casts anything else
    silently: int8 or bool weights would give the same nonsense answer for every input."""
    import torch

    if name.endswith("num_batches_tracked"):
        return tensor.dtype == torch.int64
    return tensor.is_floating_point()


def _project_from_meta(meta: dict[str, Any]) -> Project:
    missing = [k for k in ("network", "dataset") if k not in meta]
    if missing:
        raise ProjectError(f"project.json has no {missing[0]}")
    spec = NetworkSpec.from_dict(meta["network"])
    class_names = _class_names(meta.get("class_names") or [])
    pre = meta.get("preprocessing")
    preprocessing = Preprocessing.from_dict(pre) if pre else None
    if preprocessing and preprocessing.input_shape != spec.input_shape:
        raise ProjectError(
            f"the preprocessing makes inputs of shape {list(preprocessing.input_shape)} but the "
            f"network takes {list(spec.input_shape)}"
        )
    familiarity = meta.get("familiarity")
    return Project(
        spec=spec,
        dataset=DatasetRef.from_dict(meta["dataset"]),
        config=TrainConfig.from_dict(meta.get("training") or {}),
        class_names=class_names,
        preprocessing=preprocessing,
        familiarity=Familiarity.from_dict(familiarity) if familiarity is not None else None,
    )


def _class_names(names: Any) -> list[str]:
    if not isinstance(names, list) or len(names) > MAX_CLASSES:
        raise ProjectError(f"class_names must be a list of at most {MAX_CLASSES:,} names")
    for name in names:
        if not isinstance(name, str) or len(name) > MAX_CLASS_NAME:
            raise ProjectError(
                f"class_names must hold names of at most {MAX_CLASS_NAME} characters, not "
                f"{str(name)[:40]!r}"
            )
    return names


def _history(d: Any) -> History:
    """The saved history, its epoch records checked to be numbers (they are shown with
    number formats)."""
    if not isinstance(d, dict) or not isinstance(d.get("epochs", []), list):
        raise ProjectError("history.json must be an object with a list of epochs")
    fields = set(EpochMetrics.__dataclass_fields__)
    optional = {"val_mae"}  # a regression's; records written before it lack it
    for i, e in enumerate(d.get("epochs", [])):
        if not isinstance(e, dict) or not fields - optional <= set(e) <= fields:
            raise ProjectError(f"epoch record {i + 1} in history.json lacks fields or has others")
        for k, v in e.items():
            if k in optional and v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ProjectError(f"epoch record {i + 1} in history.json: {k} is not a number")
        if not all(math.isfinite(e[k]) for k in ("epoch", "step")):
            raise ProjectError(f"epoch record {i + 1} in history.json has no finite epoch")
    return History.from_dict(d)


def _runs(d: Any) -> list[Run]:
    """The saved runs, every field checked (final and best are read from the history)."""
    if not isinstance(d, list) or len(d) > MAX_RUNS:
        raise ProjectError(f"runs.json must be a list of at most {MAX_RUNS} runs")
    return [_run(r, i + 1) for i, r in enumerate(d)]


def _run(r: Any, n: int) -> Run:
    if not isinstance(r, dict):
        raise ProjectError(f"run {n} in runs.json is not an object")
    status, device, name = r.get("status"), r.get("device"), r.get("name", "")
    if not isinstance(name, str) or len(name) > MAX_RUN_NAME:
        raise ProjectError(
            f"run {n} in runs.json: name must be text of at most {MAX_RUN_NAME} characters"
        )
    if status not in STATUSES:
        raise ProjectError(f"run {n} in runs.json has an unknown status {brief(status)}")
    if not isinstance(device, str) or len(device) > MAX_DEVICE_NAME:
        raise ProjectError(
            f"run {n} in runs.json: device must be text of at most {MAX_DEVICE_NAME} characters"
        )
    try:
        return Run(
            TrainConfig.from_dict(r.get("training") or {}),
            DatasetRef.from_dict(r.get("dataset")),
            _history(r.get("history")),
            RunStatus(status),
            finite_number(r.get("started"), "started", 0, 1e11),
            finite_number(r.get("duration_s"), "duration_s", 0, 1e9),
            device,
            name=name,
            spec=NetworkSpec.from_dict(r["network"]) if r.get("network") else None,
        )
    except PlaygroundError as e:  # LimitError, and the checks of the parts
        raise ProjectError(f"run {n} in runs.json: {e}") from None


def _with_run_weights(path: Path, runs: list[Run], weights: dict[str, torch.Tensor]) -> list[Run]:
    """runs, each with its tensors from runs.safetensors (keys 'RUN/NAME', RUN from 0)."""
    by_run: dict[int, dict[str, torch.Tensor]] = {}
    for key, tensor in weights.items():
        index, _, name = key.partition("/")
        if not index.isdigit() or int(index) >= len(runs) or not name:
            raise ProjectError(
                f"the run weights in {path.name} hold {brief(key)}, which belongs to no run"
            )
        by_run.setdefault(int(index), {})[name] = tensor
    return [replace(r, weights=by_run.get(i)) for i, r in enumerate(runs)]


def _pickle_refusal(path: Path) -> str:
    return (
        f"{path.name} is a Python pickle (for example a PyTorch .pt checkpoint); pickles can run "
        "arbitrary code when opened, so Neural Playground refuses them"
    )
