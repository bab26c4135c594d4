"""The torchrun export: a standalone script that trains a project's network on a cluster, with
checkpoints it resumes from, and writes a project the app opens."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from string import Template

from safetensors.torch import save_file
from torch import nn

from playground.core.io.codegen import OPTIMIZER_CODE, logits_code, model_code, task_code
from playground.core.io.project import Project, project_meta


def export_ddp(project: Project, model: nn.Sequential, out: Path) -> list[Path]:
    """Write the script to out and the project's weights, which it starts from, beside it."""
    weights = out.with_suffix(".safetensors")
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, weights)
    out.write_text(ddp_script(project, model, out.name, weights.name), encoding="utf-8")
    return [out, weights]


def ddp_script(project: Project, model: nn.Module, script: str, weights: str) -> str:
    c = project.config
    epochs = [asdict(e) for e in project.history.epochs]
    return _TEMPLATE.substitute(
        script=script,
        stem=Path(script).stem,
        model=model_code(model),
        weights=weights,
        project=repr(json.dumps(project_meta(project))),
        history=repr(json.dumps(epochs)),
        optimizer=OPTIMIZER_CODE[c.optimizer],
        lr=repr(c.lr),
        batch=repr(c.batch_size),
        wd=repr(c.weight_decay),
        momentum=repr(c.momentum),
        seed=repr(c.seed),
        logits=logits_code(model),
        task=task_code(project.preprocessing, c.loss),
    )


_TEMPLATE = Template('''"""Train a Neural Playground network on one machine or on a cluster.

One machine, 4 GPUs (or 4 CPU processes):

    torchrun --standalone --nproc_per_node=4 --max-restarts=3 $script --data DATA --epochs 10

Two machines (run this on each, with the first one's address as HOST):

    torchrun --nnodes=2 --nproc_per_node=4 --max-restarts=3 --rdzv-backend=c10d \\
        --rdzv-endpoint=HOST:29400 --rdzv-id=my-run $script --data DATA --epochs 10

DATA: an image folder (one sub-folder of images per class, read from disk as training goes,
so it may be larger than memory; needs Pillow), MNIST-style IDX files (the
...-images-idx3-ubyte[.gz] file with its labels beside it, or their folder) or, for a network
trained on a table, a CSV/TSV table with the same columns (standardised as the app did).
Training starts from the exported weights. Each epoch ends with a checkpoint (--checkpoints,
a folder every machine sees); a run started again, by torchrun --max-restarts after a crash
or a pre-emption or by hand, goes on from it. The end result is a Neural Playground project
(--out) that `playground classify` and the app open. Needs torch and safetensors.
"""

import argparse
import csv
import gzip
import io
import json
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save, save_file
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, DistributedSampler, Subset, TensorDataset

HERE = Path(__file__).resolve().parent
WEIGHTS = HERE / "$weights"
PROJECT = json.loads($project)  # the exported project's settings: network, data, classes
HISTORY = json.loads($history)  # its epochs so far
LEARNING_RATE = $lr
BATCH_SIZE = $batch  # of all processes together
WEIGHT_DECAY = $wd
MOMENTUM = $momentum
SEED = $seed
VAL_FRACTION, SPLIT_SEED = 0.2, 0  # the validation split the app makes
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
PRE = PROJECT["preprocessing"]
MEAN = torch.tensor(PRE["mean"]).view(-1, 1, 1)
STD = torch.tensor(PRE["std"]).view(-1, 1, 1)


$model

$task

def idx_array(path: Path) -> torch.Tensor:
    """The uint8 array in an IDX file, gzipped or not."""
    raw = path.read_bytes()
    if raw[:2] == b"\\x1f\\x8b":
        raw = gzip.decompress(raw)
    if raw[:3] != b"\\x00\\x00\\x08":
        raise SystemExit(f"{path.name} is not an 8-bit IDX file")
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(raw[3])]
    return torch.frombuffer(bytearray(raw), dtype=torch.uint8, offset=4 + 4 * len(dims)).view(dims)


def idx_data(path: Path) -> Dataset:
    """IDX images and labels, normalised as the app did, in memory."""
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if "idx3" in p.name)
        found = [p for p in found if "t10k" not in p.name] or found
        if not found:
            raise SystemExit(f"no IDX image file (...-idx3-ubyte) in {path}")
        path = found[0]
    labels = path.with_name(path.name.replace("images", "labels").replace("idx3", "idx1"))
    if labels == path or not labels.exists():
        raise SystemExit(f"no labels file beside {path.name} (expected {labels.name})")
    x = idx_array(path).float().div(255).unsqueeze(1)
    if list(x.shape[1:]) != PROJECT["network"]["input_shape"]:
        raise SystemExit(f"{path.name} holds {list(x.shape[1:])} inputs, the network takes "
                         f"{PROJECT['network']['input_shape']}")
    return TensorDataset((x - MEAN) / STD, idx_array(labels).long())


class ImageFolder(Dataset):
    """Images read from disk when asked for, by the DataLoader's workers: no need to fit in
    memory. An unreadable one counts as IGNORED."""

    def __init__(self, files: list[Path], labels: list[int]) -> None:
        self.files, self.labels = files, labels

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        from PIL import Image, ImageOps

        height, width = PRE["size"]
        try:
            with Image.open(self.files[i]) as img:
                img.draft("RGB", (2 * width, 2 * height))  # JPEGs decode at a smaller scale
                img = ImageOps.exif_transpose(img)
                if img.mode in ("P", "LA", "RGBA") or "transparency" in img.info:
                    white = Image.new("RGBA", img.size, (255, 255, 255, 255))
                    img = Image.alpha_composite(white, img.convert("RGBA"))
                img = img.convert("L" if PRE["channels"] == 1 else "RGB")
                img = img.resize((width, height), Image.Resampling.BILINEAR)
        except (OSError, ValueError, SyntaxError):
            return torch.zeros(PRE["channels"], height, width), IGNORED
        x = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8)
        x = x.view(height, width, -1).permute(2, 0, 1).float().div(255)
        return (x - MEAN) / STD, self.labels[i]


def folder_data(root: Path) -> Dataset:
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    names = [c.name for c in classes]
    if names != PROJECT["class_names"]:
        raise SystemExit(f"{root.name} has classes {names}, the network {PROJECT['class_names']}")
    files, labels = [], []
    for label, folder in enumerate(classes):
        found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        files += found
        labels += [label] * len(found)
    return ImageFolder(files, labels)


def table_cells(path: Path) -> tuple[list[str], list[list[str]]]:
    """A CSV/TSV file's header and rows of stripped cells, split by the delimiter that cuts
    its first lines into the same number of cells (the most if several do)."""
    text = path.read_text(encoding="utf-8-sig")
    head = [line for line in text.splitlines() if line.strip()][:50]
    counts = {d: [len(r) for r in csv.reader(head, delimiter=d)] for d in "\t;,|"}
    even = [d for d, c in counts.items() if c and min(c) == max(c) > 1]
    delimiter = max(even or counts, key=lambda d: counts[d][0] if counts[d] else 0)
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [r for r in rows if any(r)]
    if delimiter != ",":  # a decimal comma: "5,1"
        rows = [[c.replace(",", ".") for c in r] for r in rows]
    return rows[0], rows[1:]


def table_number(cell: str, column: str, line: int, fill: float | None) -> float:
    """cell as a number; a blank or a word is fill (the column's training mean) or refused."""
    try:
        return float(cell)
    except ValueError:
        if fill is None:
            raise SystemExit(f"line {line + 2}, column '{column}': {cell!r} is not a number")
        return fill


def table_data(path: Path) -> Dataset:
    """A table's inputs (numbers standardised, categories one-hot, as the app made them)
    and its target (a class, or a number standardised as the network learned it)."""
    names = PRE["inputs"]
    if not names:
        raise SystemExit(f"this network was not trained on a table: give it {PRE['kind']}")
    header, rows = table_cells(path)
    options = PROJECT["dataset"]["options"]
    target = options.get("target") or header[-1]
    fill = options.get("fill") == 1
    missing = [n for n in [target, *names] if n not in header and n.split("=")[0] not in header]
    if missing:
        raise SystemExit(f"{path.name} has no column '{missing[0]}'")
    x = torch.zeros(len(rows), len(names))
    for j, name in enumerate(names):
        if name in header:  # a numeric column
            i, mean = header.index(name), PRE["mean"][j]
            x[:, j] = torch.tensor(
                [table_number(r[i], name, n, mean if fill else None) for n, r in enumerate(rows)]
            )
        else:  # one category of a one-hot column: "colour=red"
            column, value = name.split("=", 1)
            i, value = header.index(column), "" if value == "(blank)" else value
            x[:, j] = torch.tensor([float(r[i] == value) for r in rows])
    x = (x - torch.tensor(PRE["mean"])) / torch.tensor(PRE["std"])
    t = header.index(target)
    if PRE["task"] == "regression":
        numbers = [table_number(r[t], target, n, None) for n, r in enumerate(rows)]
        y = (torch.tensor(numbers) - PRE["target"][0]) / PRE["target"][1]
    else:
        classes = PROJECT["class_names"]
        unknown = [r[t] for r in rows if r[t] not in classes]
        if unknown:
            raise SystemExit(f"{path.name}: the class {unknown[0]!r} is not one the network knows")
        y = torch.tensor([classes.index(r[t]) for r in rows])
    return TensorDataset(x, y)


def split(data: Dataset) -> tuple[Subset, Subset]:
    """(training, validation): the app's seeded split."""
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(SPLIT_SEED))
    n_val = max(1, round(len(data) * VAL_FRACTION))
    return Subset(data, order[n_val:].tolist()), Subset(data, order[:n_val].tolist())


def save_checkpoint(path: Path, model: nn.Module, optimizer, history: list) -> None:
    """Weights, optimizer state and history, in safetensors (no pickle), replaced atomically."""
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    state = optimizer.state_dict()
    plain = {"param_groups": state["param_groups"], "values": {}}
    for i, values in state["state"].items():
        for k, v in values.items():
            if isinstance(v, torch.Tensor):
                tensors[f"optimizer.{i}.{k}"] = v.detach().cpu().contiguous()
            else:
                plain["values"][f"{i}.{k}"] = v
    meta = {"history": json.dumps(history), "optimizer": json.dumps(plain)}
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, tmp, metadata=meta)
    os.replace(tmp, path)


def load_checkpoint(path: Path, model: nn.Module, optimizer) -> list:
    """Restore what save_checkpoint wrote; the history it holds."""
    with safe_open(path, "pt", device="cpu") as f:  # the optimizer moves its state itself
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    plain = json.loads(meta["optimizer"])
    state: dict = {}
    for key, v in plain["values"].items():
        i, name = key.split(".", 1)
        state.setdefault(int(i), {})[name] = v
    for key, v in tensors.items():
        if key.startswith("optimizer."):
            i, name = key[10:].split(".", 1)
            state.setdefault(int(i), {})[name] = v
    optimizer.load_state_dict({"state": state, "param_groups": plain["param_groups"]})
    return json.loads(meta["history"])


def write_project(path: Path, model: nn.Module, history: list) -> None:
    """A Neural Playground project: project.json, weights.safetensors and history.json."""
    weights = save({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.json", json.dumps(PROJECT, indent=2))
        z.writestr("weights.safetensors", weights)
        z.writestr("history.json", json.dumps({"epochs": history}))
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)


def run_epoch(model, optimizer, loader, device) -> dict:
    """Train one epoch; its scores, from task_sums added up over every process."""
    model.train()
    sums = torch.zeros(SUMS, dtype=torch.float64, device=device)
    for x, y in loader:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        out = model(x)
        batch = task_sums(out, y)  # [1]: the samples the loss counts
        loss = task_loss(out, y, "sum") / batch[1].clamp_min(1)
        loss.backward()
        optimizer.step()
        sums += batch
    dist.all_reduce(sums)
    return {**task_scores(sums), "samples": sums[1].item()}


@torch.no_grad()
def validate(model, loader, device) -> dict:
    """The scores over every process's share."""
    model.eval()
    sums = torch.zeros(SUMS, dtype=torch.float64, device=device)
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        sums += task_sums(model(x), y)
    dist.all_reduce(sums)
    return task_scores(sums)


def join(backend: str, rank: int, world: int) -> None:
    """Join torchrun's process group under keys of this restart: the store outlives the
    processes, and the addresses of those that died would otherwise be read again."""
    agent = os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"  # the agent hosts it
    store = dist.TCPStore(
        os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"]), world,
        is_master=rank == 0 and not agent, timeout=timedelta(minutes=10),
    )
    restart = os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")
    dist.init_process_group(
        backend, store=dist.PrefixStore(f"restart-{restart}", store), rank=rank, world_size=world
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="an image folder, IDX files or a table")
    parser.add_argument("--epochs", type=int, default=10, help="epochs to train in all")
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="of all processes")
    parser.add_argument("--workers", type=int, default=4, help="image loading processes each")
    parser.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    parser.add_argument("--checkpoints", type=Path, default=HERE / "${stem}_checkpoints")
    parser.add_argument("--out", type=Path, default=HERE / "${stem}.playground")
    args = parser.parse_args()
    if "WORLD_SIZE" not in os.environ:
        raise SystemExit(f"start it with torchrun: torchrun --nproc_per_node=1 {__file__} ...")
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if cuda:
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    join("nccl" if cuda else "gloo", rank, world)
    torch.manual_seed(SEED + rank)
    folder = args.data.is_dir() and not any("idx" in p.name for p in args.data.iterdir())
    if folder:
        data = folder_data(args.data)
    elif args.data.suffix.lower() in (".csv", ".tsv", ".tab", ".txt"):
        data = table_data(args.data)
    else:
        data = idx_data(args.data)
    train_set, val_set = split(data)
    per_rank = max(1, args.batch_size // world)
    sampler = DistributedSampler(train_set, world, rank, shuffle=True, seed=SEED)
    workers = args.workers if folder else 0  # IDX data is in memory already
    loader = DataLoader(
        train_set, per_rank, sampler=sampler, num_workers=workers, pin_memory=cuda,
        persistent_workers=workers > 0, drop_last=len(sampler) % per_rank == 1,
    )
    val_share = Subset(val_set, list(range(rank, len(val_set), world)))
    val_loader = DataLoader(val_share, 256, num_workers=workers)

    model = build_model()
    model.load_state_dict(load_file(WEIGHTS))
    model.to(device)
    logits = $logits
    lr = args.lr
    optimizer = $optimizer
    history = list(HISTORY)
    checkpoint = args.checkpoints / "last.safetensors"
    if checkpoint.exists():
        history = load_checkpoint(checkpoint, model, optimizer)
        if rank == 0:
            print(f"resumed from the checkpoint of epoch {history[-1]['epoch']}", flush=True)
    ddp = DistributedDataParallel(logits, device_ids=[device.index] if cuda else None)
    if rank == 0:
        args.checkpoints.mkdir(parents=True, exist_ok=True)
    started = HISTORY[-1]["epoch"] if HISTORY else 0
    first = (history[-1]["epoch"] if history else 0) + 1
    step = history[-1]["step"] if history else 0
    began = time.perf_counter()
    for epoch in range(first, started + args.epochs + 1):
        sampler.set_epoch(epoch)
        tick = time.perf_counter()
        trained = run_epoch(ddp, optimizer, loader, device)
        seconds = time.perf_counter() - tick
        val = validate(ddp, val_loader, device)
        step += len(loader)
        record = {
            "epoch": epoch, "step": step,
            "train_loss": trained["loss"], "train_accuracy": trained["accuracy"],
            "val_loss": val["loss"], "val_accuracy": val["accuracy"],
            "samples_per_s": trained["samples"] / max(seconds, 1e-9),
            "elapsed_s": time.perf_counter() - began,
            **({"val_mae": val["mae"]} if "mae" in val else {}),  # a number's, in its units
        }
        history.append(record)
        if rank == 0:
            save_checkpoint(checkpoint, model, optimizer, history)
            print(
                f"epoch {epoch:4d}  loss {record['train_loss']:.4f}  "
                f"{SCORE} {record['train_accuracy']:.3f}  val_loss {val['loss']:.4f}  "
                f"val {SCORE} {val['accuracy']:.3f}  {record['samples_per_s']:,.0f} samples/s",
                flush=True,
            )
    if rank == 0:
        write_project(args.out, model, history)
        print(f"wrote {args.out}", flush=True)
    try:  # every process waits for the project to be written, then they part
        dist.barrier()
        dist.destroy_process_group()
    except RuntimeError as e:
        # the work is done and written: a failed goodbye must not make torchrun restart it
        print(f"the processes parted untidily ({str(e).splitlines()[0]}); the run is complete",
              flush=True)


if __name__ == "__main__":
    main()
''')
