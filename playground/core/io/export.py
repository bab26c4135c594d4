"""Export a trained project: ONNX, TorchScript, a standalone PyTorch script or a torchrun one."""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

from playground.core.data.dataset import Dataset
from playground.core.data.stream import ImageFiles
from playground.core.errors import PlaygroundError
from playground.core.io.codegen import (
    OPTIMIZER_CODE,
    check_python_export,
    logits_code,
    model_code,
    task_code,
)
from playground.core.io.export_ddp import export_ddp
from playground.core.io.export_formats import FORMATS
from playground.core.io.project import Project
from playground.core.io.raw_io import about, raw_in_out


def export_project(
    project: Project, fmt: str, out: str | Path, data: Dataset | None = None
) -> list[Path]:
    """Write the export; returns the files written. The python format needs the data set."""
    out = Path(out)
    if out.is_dir():
        raise PlaygroundError(f"{out} is a folder: give the export a file name inside it")
    if not out.parent.is_dir():
        raise PlaygroundError(f"could not write {out}: the folder {out.parent} does not exist")
    model = project.build_trained_model().eval()
    example = torch.zeros(1, *project.spec.input_shape)
    try:
        if fmt == "onnx":
            return [_onnx(raw_in_out(model, project), example, out, about(project))]
        if fmt == "torchscript":
            return [_torchscript(raw_in_out(model, project), example, out, about(project))]
        if fmt == "python":
            check_python_export(model)
            if data is None:
                raise PlaygroundError("the python export needs the project's data set")
            return _python(project, model, data, out)
        if fmt == "ddp":
            check_python_export(model)
            return export_ddp(project, model, out)
    except OSError as e:
        raise PlaygroundError(f"could not write {out}: {e.strerror or e}") from None
    raise PlaygroundError(f"unknown export format '{fmt}' (use {', '.join(FORMATS)})")


def _onnx(model: nn.Module, example: torch.Tensor, out: Path, meta: dict[str, str]) -> Path:
    try:
        import onnxscript  # noqa: F401  (torch's ONNX exporter needs it)
    except ImportError:
        raise PlaygroundError(
            'ONNX export needs the export extra: pip install "neural-playground[export]"'
        ) from None
    batch = torch.export.Dim("batch", min=1)
    with _quiet():
        program = torch.onnx.export(
            model,
            (example.expand(2, *example.shape[1:]),),
            dynamo=True,
            verbose=False,
            input_names=["input"],
            output_names=["output"],
            dynamic_shapes=({0: batch},),
        )
        program.save(str(out))
    _label_onnx(out, meta)
    return out


def _label_onnx(path: Path, meta: dict[str, str]) -> None:
    """Write meta (the class names, the inputs, the task) into the ONNX file's metadata."""
    import onnx

    proto = onnx.load(str(path))
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(proto, str(path))


def _torchscript(model: nn.Module, example: torch.Tensor, out: Path, meta: dict[str, str]) -> Path:
    with _quiet():
        traced = torch.jit.trace(model, example)
        torch.jit.save(traced, str(out), _extra_files={f"{k}.json": v for k, v in meta.items()})
    return out


@contextlib.contextmanager
def _quiet():
    """The exporters print progress and warn about their own deprecations: not for users."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield


def _python(project: Project, model: nn.Sequential, data: Dataset, out: Path) -> list[Path]:
    if isinstance(data.x_train, ImageFiles):  # it would be read whole into memory and copied
        raise PlaygroundError(
            f"{data.name} is too large for the python export, which bundles the data set: "
            "export ddp instead, a script that reads the folder itself"
        )
    weights = out.with_suffix(".safetensors")
    arrays = out.with_name(out.stem + "_data.npz")
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, weights)
    np.savez_compressed(
        arrays,
        **{k: getattr(data, k).cpu().numpy() for k in ("x_train", "y_train", "x_val", "y_val")},
    )
    script = python_script(project, model, out.name, weights.name, arrays.name)
    out.write_text(script, encoding="utf-8")
    return [out, weights, arrays]


def python_script(
    project: Project, model: nn.Module, script: str, weights: str, arrays: str
) -> str:
    c = project.config
    return _TEMPLATE.format(
        script=script,
        model=model_code(model),
        weights=weights,
        data=arrays,
        classes=project.class_names,
        optimizer=OPTIMIZER_CODE[c.optimizer],
        lr=c.lr,
        wd=c.weight_decay,
        momentum=c.momentum,
        batch=c.batch_size,
        seed=c.seed,
        logits=logits_code(model),
        task=task_code(project.preprocessing, c.loss),
    )


_TEMPLATE = '''"""A network exported from Neural Playground.

Rebuilds the network, loads its trained weights and can go on training on the same data:

    python {script} --epochs 5            # continue training, then save the weights
    python {script} --epochs 0            # only report validation loss and score

Needs torch, numpy and safetensors. For several GPUs, wrap the model in
torch.nn.parallel.DistributedDataParallel and start with torchrun.
"""

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

HERE = Path(__file__).resolve().parent
WEIGHTS = HERE / "{weights}"
DATA = HERE / "{data}"  # normalised inputs, as the app trained on them
CLASS_NAMES = {classes!r}
LEARNING_RATE = {lr!r}
BATCH_SIZE = {batch!r}
WEIGHT_DECAY = {wd!r}
MOMENTUM = {momentum!r}
SEED = {seed!r}


{model}

{task}

def load_data(device):
    """(x_train, y_train, x_val, y_val) tensors on device."""
    with np.load(DATA, allow_pickle=False) as data:
        keys = ("x_train", "y_train", "x_val", "y_val")
        return [torch.from_numpy(data[k]).to(device) for k in keys]


@torch.no_grad()
def evaluate(model, x, y):
    """Mean loss and SCORE (accuracy, or R² for a number), with dropout off."""
    model.eval()
    scores = task_scores(task_sums({logits}(x), y))
    return scores["loss"], scores["accuracy"]


def train(model, x, y, epochs, lr, batch_size):
    logits = {logits}
    optimizer = {optimizer}
    generator = torch.Generator(device=x.device).manual_seed(SEED)
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(x), device=x.device, generator=generator)
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = task_loss(logits(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
        yield epoch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", type=Path, default=HERE / "{weights}".replace(
        ".safetensors", ".trained.safetensors"))
    args = parser.parse_args()
    torch.manual_seed(SEED)
    model = build_model()
    model.load_state_dict(load_file(WEIGHTS))
    model.to(args.device)
    x_train, y_train, x_val, y_val = load_data(args.device)
    loss, acc = evaluate(model, x_val, y_val)
    print(f"loaded:   validation loss {{loss:.6f}}  {{SCORE}} {{acc:.4f}}")
    for epoch in train(model, x_train, y_train, args.epochs, args.lr, args.batch_size):
        loss, acc = evaluate(model, x_val, y_val)
        print(f"epoch {{epoch:3d}}: validation loss {{loss:.6f}}  {{SCORE}} {{acc:.4f}}")
    if args.epochs:
        save_file({{k: v.cpu().contiguous() for k, v in model.state_dict().items()}}, args.out)
        print(f"weights saved to {{args.out}}")


if __name__ == "__main__":
    main()
'''
