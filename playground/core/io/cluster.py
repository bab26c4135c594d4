"""The commands that train a project on several GPUs or machines, as the window shows them.
No torch here: the page opens before PyTorch has loaded."""

from __future__ import annotations

import shlex
from pathlib import PurePath

from playground.core.io.export_formats import FORMATS
from playground.core.io.project import SUFFIX

RENDEZVOUS_PORT = 29400  # torchrun's usual rendezvous port


def cluster_instructions(project_name: str) -> str:
    """Plain text: the exact commands for one machine with several GPUs, for several machines,
    and for the exported script where Neural Playground is not installed."""
    stem = PurePath(project_name).name.removesuffix(SUFFIX) or "project"
    project = shlex.quote(stem + SUFFIX)
    trained = shlex.quote(f"{stem}-cluster{SUFFIX}")
    script = shlex.quote(f"{stem}_ddp.py")
    train = f"-m playground train {project} --epochs 10 -o {trained}"
    several = (
        f"--nnodes=2 --nproc_per_node=4 --rdzv-backend=c10d \\\n"
        f"      --rdzv-endpoint=HOST:{RENDEZVOUS_PORT} --rdzv-id={shlex.quote(stem)}"
    )
    return f"""\
Training {stem} on several GPUs or machines

PyTorch's torchrun starts one process per GPU (or per CPU on a machine without one); each
trains on its share of every batch and DistributedDataParallel averages their gradients, so
the run follows the course one process would take. --batch-size is the batch of all the
processes together. Only the first process prints and writes the project (on several
machines, give -o a path in a folder they all see).

One machine with 4 GPUs:

  torchrun --standalone --nproc_per_node=4 {train}

Two machines with 4 GPUs each (run this on both; HOST is the first machine's address, the
same on both, and its port {RENDEZVOUS_PORT} must be open to the other):

  torchrun {several} \\
      {train}

Where the data set lies elsewhere on the cluster, add --dataset PATH. The project goes on
from its weights and history; open {trained} in the window afterwards.

Without Neural Playground on the cluster: File ▸ Export ▸ {FORMATS["ddp"].title} writes
{script}, which needs only torch and safetensors (and Pillow for an image folder). It
checkpoints every epoch and, restarted by torchrun after a crash or a pre-emption, goes on
from the last checkpoint:

  torchrun --standalone --nproc_per_node=4 --max-restarts=3 {script} --data DATA --epochs 10

  torchrun {several} --max-restarts=3 \\
      {script} --data DATA --epochs 10 --checkpoints SHARED_FOLDER

DATA is an image folder (one sub-folder per class, read from disk as training goes) or
MNIST-style IDX files; SHARED_FOLDER a folder every machine sees. The script writes
{stem}_ddp.playground, which the window and `playground classify` open.
"""
