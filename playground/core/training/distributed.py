"""Training under torchrun: joining its process group, and the strategy that shares every
step of a Trainer among the ranks through PyTorch's DistributedDataParallel."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from datetime import timedelta

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from playground.core.data.dataset import Dataset
from playground.core.data.stream import ImageFiles
from playground.core.errors import PlaygroundError
from playground.core.training.controls import Controls
from playground.core.training.device import pick_device
from playground.core.training.strategy import Strategy
from playground.core.training.trainer_view import TrainerView

TORCHRUN_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK")
STORE_TIMEOUT = timedelta(minutes=10)  # how long processes wait for each other to start


class DistributedError(PlaygroundError):
    """A torchrun run that cannot start or cannot share its work."""


@dataclass(frozen=True)
class Cluster:
    """Which of torchrun's processes this is."""

    rank: int
    world_size: int
    local_rank: int

    @property
    def leader(self) -> bool:
        """Rank 0: the one process that prints and writes files."""
        return self.rank == 0


def detect() -> Cluster | None:
    """This process's place from the variables torchrun sets; None when not under torchrun."""
    if "WORLD_SIZE" not in os.environ:
        return None
    try:
        rank, world, local = (int(os.environ.get(k, "0")) for k in TORCHRUN_VARIABLES)
    except ValueError:
        raise DistributedError(
            f"{', '.join(TORCHRUN_VARIABLES)} must be whole numbers: start with torchrun"
        ) from None
    if world < 1 or not 0 <= rank < world:
        raise DistributedError(f"RANK {rank} does not fit WORLD_SIZE {world}: start with torchrun")
    return Cluster(rank, world, local)


def join(cluster: Cluster, device_choice: str) -> torch.device:
    """Join torchrun's process group (NCCL between GPUs, Gloo on CPU); this rank's device."""
    device = pick_device(device_choice)
    if device.type == "mps":
        raise DistributedError("torchrun runs train on CUDA GPUs or on CPUs: add --device cpu")
    if device.type == "cuda":
        if cluster.local_rank >= torch.cuda.device_count():
            raise DistributedError(
                f"process {cluster.local_rank} on this machine has no GPU of its own (there are "
                f"{torch.cuda.device_count()}): lower --nproc_per_node"
            )
        device = torch.device("cuda", cluster.local_rank)
        torch.cuda.set_device(device)  # "cuda" then means this rank's GPU, in the Trainer too
    backend = "nccl" if device.type == "cuda" else "gloo"
    try:
        dist.init_process_group(
            backend,
            store=_store(cluster),
            rank=cluster.rank,
            world_size=cluster.world_size,
            device_id=device if device.type == "cuda" else None,
        )
    except (RuntimeError, ValueError, KeyError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DistributedError(f"could not join the other torchrun processes ({first})") from None
    return device


def _store(cluster: Cluster) -> dist.Store:
    """torchrun's key-value store, under keys of this start of the workers: the store outlives
    them (torchrun --max-restarts), and the addresses of workers that died would be read."""
    agent = os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"  # the agent hosts it
    store = dist.TCPStore(
        os.environ["MASTER_ADDR"],
        int(os.environ["MASTER_PORT"]),
        cluster.world_size,
        is_master=cluster.leader and not agent,
        timeout=STORE_TIMEOUT,
    )
    return dist.PrefixStore(f"restart-{os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')}", store)


def wait_for_all() -> None:
    """Wait until every rank is here: the ranks then leave together, none while the leader
    still writes (a rank gone early ends torchrun's run as failed)."""
    dist.barrier()


def leave() -> None:
    """Leave the process group, if this process joined one."""
    if dist.is_initialized():
        dist.destroy_process_group()


class DistributedStrategy(Strategy):
    """One rank's share of a run. config.batch_size is the global batch: each step's batch is
    the same on every rank (same seed, same order) and each rank trains on its share of it, so
    a run follows the same course as one process would. DDP averages the gradients;
    validation is shared out and its sums added up. The ranks agree on stopping and on
    divergence at the same steps, so that none is left waiting in a collective for one that
    has quit."""

    # a rank stopping inside a step would leave the others waiting in DDP's gradient
    # all-reduce: ranks stop between steps instead
    interruptible = False

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._control: dist.ProcessGroup | None = None

    def setup(self, trainer: TrainerView) -> None:
        config, world = trainer.config, self.cluster.world_size
        if config.batch_size < world:
            raise DistributedError(
                f"a batch of {config.batch_size} cannot be shared by {world} processes: raise "
                f"the batch size to {world} or more"
            )
        share = 2 if trainer.batch_norm else 1  # BatchNorm needs 2 samples per rank and step
        if config.batch_size < share * world:
            raise DistributedError(
                f"BatchNorm needs 2 samples on each of the {world} processes: raise the batch "
                f"size to {share * world} or more"
            )
        # reports only at fixed steps (the early ones and each epoch's end): every rank must
        # make them at the same steps, as they agree on divergence there
        trainer.report_s = math.inf
        trainer.data = _shares(trainer.data, self.cluster, config.batch_size, share)
        # collectives on plain numbers go through Gloo on the CPU: no GPU sync for them
        cuda = trainer.device.type == "cuda"
        self._control = dist.new_group(backend="gloo") if cuda else None
        ids = [torch.cuda.current_device()] if cuda else None
        # buffers are not broadcast: each rank's forward then needs no collective, so ranks
        # may validate different numbers of chunks; rank 0's BatchNorm statistics are saved
        trainer.logits = DistributedDataParallel(
            trainer.logits, device_ids=ids, forward_sync_buffers=False
        )
        torch.manual_seed(config.seed + self.cluster.rank)  # dropout differs, as samples do

    def stop(self, controls: Controls) -> None:
        """Asked here, in effect at the next step that every rank reaches."""
        controls.ask_stop()

    def any(self, flag: bool) -> bool:
        t = torch.tensor([int(flag)])
        dist.all_reduce(t, op=dist.ReduceOp.MAX, group=self._control)
        return bool(t.item())

    def sum(self, values: list[float]) -> list[float]:
        t = torch.tensor(values, dtype=torch.float64)
        dist.all_reduce(t, group=self._control)
        return t.tolist()

    def mean(self, values: list[float], count: int) -> list[float]:
        *sums, total = self.sum([v * count for v in values] + [count])
        return [s / max(total, 1) for s in sums]


def _shares(data: Dataset, cluster: Cluster, batch_size: int, share: int) -> Dataset:
    """data with this rank's share of the validation samples, and without the few training
    samples that would make a last batch too small to give each rank its share."""
    n = len(data.x_train)
    rest = n % min(batch_size, n)
    keep = n - rest if 0 < rest < share * cluster.world_size else n
    rank, world = cluster.rank, cluster.world_size
    return replace(
        data,
        x_train=_part(data.x_train, slice(keep)),
        y_train=data.y_train[:keep],
        x_val=_part(data.x_val, slice(rank, None, world)),
        y_val=data.y_val[rank::world],
        share=(rank, world),
    )


def _part(x: torch.Tensor | ImageFiles, index: slice) -> torch.Tensor | ImageFiles:
    """The samples index picks; those of a streamed folder stay on disk."""
    return x.part(index) if isinstance(x, ImageFiles) else x[index]
