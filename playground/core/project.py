"""Project files: one zip with project.json, weights.safetensors and history.json.

Written atomically (temporary file + rename). Reading never unpickles anything.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safetensors import SafetensorError

from playground.core.config import TrainConfig
from playground.core.data.ref import DatasetRef, Preprocessing
from playground.core.errors import PlaygroundError, ProjectError
from playground.core.history import History
from playground.core.spec import NetworkSpec

if TYPE_CHECKING:  # torch is imported where weights are touched: the window opens without it
    import torch
    from torch import nn

FORMAT = "playground.project"
VERSION = 1
SUFFIX = ".playground"
MEMBERS = {"project.json", "weights.safetensors", "history.json"}
MAX_MEMBER_BYTES = 2 << 30  # refuse zip bombs before inflating them


@dataclass
class Project:
    spec: NetworkSpec
    dataset: DatasetRef
    config: TrainConfig = field(default_factory=TrainConfig)
    class_names: list[str] = field(default_factory=list)
    preprocessing: Preprocessing | None = None
    weights: dict[str, torch.Tensor] | None = None
    history: History = field(default_factory=History)

    def build_trained_model(self) -> nn.Sequential:
        """The network with the saved weights loaded; ProjectError if they do not fit."""
        from playground.core.build import build_model

        model = build_model(self.spec, len(self.class_names) or None)
        if self.weights is not None:
            try:
                model.load_state_dict(self.weights, strict=True)
            except RuntimeError as e:
                first = str(e).splitlines()[0]
                raise ProjectError(f"the saved weights do not fit the network ({first})") from None
        return model


def save_project(path: str | Path, project: Project) -> None:
    """Write the project atomically; ProjectError (old file intact) if it cannot be written."""
    path = Path(path)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "network": project.spec.to_dict(),
        "dataset": project.dataset.to_dict(),
        "training": project.config.to_dict(),
        "class_names": list(project.class_names),
        "preprocessing": project.preprocessing.to_dict() if project.preprocessing else None,
    }
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("project.json", json.dumps(meta, indent=2))
                if project.weights is not None:
                    z.writestr("weights.safetensors", _weights_bytes(project.weights))
                z.writestr("history.json", json.dumps(project.history.to_dict()))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise ProjectError(f"could not save {path.name}: {e.strerror or e}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _weights_bytes(weights: dict[str, torch.Tensor]) -> bytes:
    from safetensors.torch import save as save_safetensors

    return save_safetensors({k: v.detach().cpu().contiguous() for k, v in weights.items()})


def load_project(path: str | Path) -> Project:
    """Read a project; ProjectError with a plain reason for anything foreign, corrupt or newer."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as e:
        raise ProjectError(f"cannot open {path.name}: {e.strerror or e}") from None
    if head[:1] == b"\x80":
        raise ProjectError(_pickle_refusal(path))
    if head != b"PK\x03\x04":
        raise ProjectError(f"{path.name} is not a Neural Playground project")
    try:
        with zipfile.ZipFile(path) as z:
            return _read_members(path, z)
    except (zipfile.BadZipFile, EOFError, zlib.error) as e:
        raise ProjectError(f"{path.name} is damaged or truncated ({e})") from None


def _read_members(path: Path, z: zipfile.ZipFile) -> Project:
    names = set(z.namelist())
    if any(n.endswith(".pkl") or n.endswith("data.pkl") for n in names):
        raise ProjectError(_pickle_refusal(path))
    if "project.json" not in names:
        raise ProjectError(f"{path.name} is not a Neural Playground project (no project.json)")
    for info in z.infolist():
        if info.filename in MEMBERS and info.file_size > MAX_MEMBER_BYTES:
            raise ProjectError(f"{path.name} holds an implausibly large {info.filename}")
    meta = _json(z, "project.json")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ProjectError(f"{path.name} is not a Neural Playground project")
    version = meta.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ProjectError(
            f"{path.name} was saved by a newer Neural Playground (project version {version}); "
            "update the app to open it"
        )
    try:
        project = _project_from_meta(meta)
        if "history.json" in names:
            project.history = History.from_dict(_json(z, "history.json"))
    except (PlaygroundError, KeyError, TypeError, ValueError) as e:
        raise ProjectError(f"{path.name} has invalid contents: {e}") from None
    if "weights.safetensors" in names:
        from safetensors.torch import load as load_safetensors

        try:
            project.weights = load_safetensors(z.read("weights.safetensors"))
        except (SafetensorError, ValueError) as e:
            raise ProjectError(f"the weights in {path.name} are damaged ({e})") from None
    return project


def _project_from_meta(meta: dict[str, Any]) -> Project:
    pre = meta.get("preprocessing")
    return Project(
        spec=NetworkSpec.from_dict(meta["network"]),
        dataset=DatasetRef.from_dict(meta["dataset"]),
        config=TrainConfig.from_dict(meta.get("training") or {}),
        class_names=[str(c) for c in meta.get("class_names") or []],
        preprocessing=Preprocessing.from_dict(pre) if pre else None,
    )


def _json(z: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(z.read(name).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProjectError(f"{name} inside the project is not valid JSON ({e})") from None


def _pickle_refusal(path: Path) -> str:
    return (
        f"{path.name} is a Python pickle (for example a PyTorch .pt checkpoint); pickles can run "
        "arbitrary code when opened, so Neural Playground refuses them"
    )
