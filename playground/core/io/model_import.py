"""A model from elsewhere as a project: a PyTorch module in a .py file (FILE.py:CLASS) or an
ONNX file, brought in as catalog nodes with its weights (the CLI's import and the window's)."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType

from torch import nn

from playground.core.data.ref import DatasetRef
from playground.core.errors import PlaygroundError, SpecError
from playground.core.io.project import Project
from playground.core.model.layers import Shape


def import_model(source: str, input_shape: Shape | None, dataset: DatasetRef) -> Project:
    """The project of the model source names: FILE.onnx, or FILE.py:CLASS (built with no
    arguments, traced on inputs of input_shape)."""
    if source.endswith(".onnx"):
        from playground.core.model.onnx_import import import_onnx

        spec, weights = import_onnx(Path(source), input_shape)
    else:
        from playground.core.model.trace import import_module

        if input_shape is None:
            raise PlaygroundError("give the input shape of one sample: --input-shape C,H,W")
        spec, weights = import_module(load_module(source), input_shape)
    return Project(spec, dataset, weights=weights)


def parse_shape(text: str) -> Shape:
    """C,H,W or FEATURES, as typed."""
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        shape = ()
    if len(shape) not in (1, 3) or min(shape) < 1:
        raise SpecError(f"--input-shape must be C,H,W or FEATURES, whole numbers above 0: {text}")
    return shape


def load_module(target: str) -> nn.Module:
    """The module class FILE.py:CLASS names, built with no arguments."""
    file, _, class_name = target.rpartition(":")
    if not file or not class_name or not file.endswith(".py"):
        raise PlaygroundError(f"name the module as FILE.py:CLASS, not {target}")
    cls = getattr(_run_file(Path(file)), class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise PlaygroundError(f"{Path(file).name} has no nn.Module class named {class_name}")
    try:
        return cls()
    except TypeError as e:
        raise PlaygroundError(f"{class_name}() needs arguments: {e}") from None


def module_classes(path: Path) -> list[str]:
    """The names of the nn.Module classes the file defines (not those it imports)."""
    code = _run_file(path)
    return [
        name
        for name, value in vars(code).items()
        if inspect.isclass(value)
        and issubclass(value, nn.Module)
        and value.__module__ == code.__name__
    ]


def _run_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise PlaygroundError(f"there is no file {path}")
    spec = importlib.util.spec_from_file_location(f"imported_{path.stem}", path)
    code = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[code.__name__] = code  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(code)  # type: ignore[union-attr]
    except Exception as e:  # the user's file: whatever it raises, say it in one line
        raise PlaygroundError(f"{path.name} failed to run: {type(e).__name__}: {e}") from None
    return code
