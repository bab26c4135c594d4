"""Training under torchrun: joining its process group, and a Trainer whose every step is
shared by the ranks through PyTorch's DistributedDataParallel."""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, replace
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from playground.core.data.dataset import Dataset
from playground.core.data.stream import ImageFiles
from playground.core.errors import PlaygroundError
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.device import pick_device
from playground.core.training.events import EpochMetrics, Finished
from playground.core.training.history import History
from playground.core.training.trainer import Sink, Trainer

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


def leave() -> None:
    """Leave the process group, if this process joined one."""
    if dist.is_initialized():
        dist.destroy_process_group()


class DistributedTrainer(Trainer):
    """One rank's Trainer. config.batch_size is the global batch: each step's batch is the same
    on every rank (same seed, same order) and each rank trains on its share of it, so a run
    follows the same course as one process would. DDP averages the gradients; validation is
    shared out and its sums added up. The ranks agree on stopping and on divergence at the same
    steps, so that none is left waiting in a collective for one that has quit."""

    def __init__(
        self,
        cluster: Cluster,
        spec: NetworkSpec,
        dataset: Dataset,
        config: TrainConfig,
        sink: Sink | None = None,
        model: nn.Sequential | None = None,
        history: History | None = None,
    ) -> None:
        world = cluster.world_size
        if config.batch_size < world:
            raise DistributedError(
                f"a batch of {config.batch_size} cannot be shared by {world} processes: raise "
                f"the batch size to {world} or more"
            )
        # reports only at fixed steps (the early ones and each epoch's end): every rank must
        # make them at the same steps, as they agree on divergence there
        super().__init__(spec, dataset, config, sink, model, history, report_s=math.inf)
        share = 2 if self._batch_norm else 1  # BatchNorm needs 2 samples per rank and step
        if config.batch_size < share * world:
            raise DistributedError(
                f"BatchNorm needs 2 samples on each of the {world} processes: raise the batch "
                f"size to {share * world} or more"
            )
        self.cluster = cluster
        self.data = _shares(self.data, cluster, config.batch_size, share)
        # collectives on plain numbers go through Gloo on the CPU: no GPU sync for them
        self._control = dist.new_group(backend="gloo") if self.device.type == "cuda" else None
        ids = [torch.cuda.current_device()] if self.device.type == "cuda" else None
        # buffers are not broadcast: each rank's forward then needs no collective, so ranks
        # may validate different numbers of chunks; rank 0's BatchNorm statistics are saved
        self.logits = DistributedDataParallel(
            self.logits, device_ids=ids, forward_sync_buffers=False
        )
        self._asked = threading.Event()
        torch.manual_seed(config.seed + cluster.rank)  # dropout differs, as the samples do

    def stop(self) -> None:
        """Asked here, acted on at the next step that every rank reaches."""
        self._asked.set()
        self._run.set()

    def _wait_if_paused(self) -> bool:
        if self._any(self._asked.is_set()):
            super().stop()
        return super()._wait_if_paused()

    def _add_stop_hooks(self) -> None:
        """None: a rank stopping inside a step would leave the others waiting in DDP's
        gradient all-reduce; ranks stop between steps instead."""

    def _report(self, step: int, epoch: int, progress: float) -> Finished | None:
        diverged = super()._report(step, epoch, progress)
        if self._any(diverged is not None) and diverged is None:  # another rank's loss
            return self._diverged(step, epoch, self._good)
        return diverged

    def _end_epoch(self, epoch: int, step: int) -> EpochMetrics | None:
        self._epoch_sums = self._sum(self._epoch_sums)
        self._epoch_sums[2] = int(self._epoch_sums[2])
        return super()._end_epoch(epoch, step)

    @torch.no_grad()
    def _evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, torch.Tensor]:
        """Over every rank's share: mean loss and accuracy of all, this rank's probabilities."""
        loss, acc, probs = super()._evaluate(x, y)
        n = len(x)
        loss_sum, correct, total = self._sum([loss * n, acc * n, n])
        return loss_sum / max(total, 1), correct / max(total, 1), probs

    def _sum(self, values: list[float]) -> list[float]:
        """values added up across the ranks."""
        t = torch.tensor(values, dtype=torch.float64)
        dist.all_reduce(t, group=self._control)
        return t.tolist()

    def _any(self, flag: bool) -> bool:
        """Whether flag is true on any rank."""
        t = torch.tensor([int(flag)])
        dist.all_reduce(t, op=dist.ReduceOp.MAX, group=self._control)
        return bool(t.item())


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
