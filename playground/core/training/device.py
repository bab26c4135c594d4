"""Choose the training device: CUDA, then Apple MPS, then CPU."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import torch

from playground.core.errors import PlaygroundError
from playground.core.model.dynamo import import_dynamo
from playground.core.training.config import DEVICE_CHOICES

# PyTorch's default intra-op threads, captured before a GUI lowers them.
TRAINING_THREADS = torch.get_num_threads()


def mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def pick_device(choice: str = "auto") -> torch.device:
    """The device for choice; PlaygroundError if a forced device is not present."""
    if choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if mps_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise PlaygroundError("CUDA was asked for but no NVIDIA GPU is available")
    if choice == "mps" and not mps_available():
        raise PlaygroundError("MPS was asked for but Apple's GPU backend is not available")
    if choice not in DEVICE_CHOICES:
        raise PlaygroundError(f"unknown device '{choice}' (use {', '.join(DEVICE_CHOICES)})")
    return torch.device(choice)


def device_label(device: torch.device) -> str:
    """A name for people: 'CPU', 'CUDA (NVIDIA H100)', 'Apple MPS'."""
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    return {"mps": "Apple MPS"}.get(device.type, "CPU")


def device_choices() -> list[tuple[str, str]]:
    """(label, choice) of each device this machine can train on, Auto first: 'Auto (CPU)'."""
    auto = device_label(pick_device("auto"))
    choices = [(f"Auto ({auto})", "auto"), ("CPU", "cpu")]
    if torch.cuda.is_available():
        choices.append((device_label(torch.device("cuda")), "cuda"))
    if mps_available():
        choices.append(("Apple MPS", "mps"))
    return choices


def set_torch_threads(n: int) -> None:
    """Intra-op threads for the torch work that follows (a process-wide setting).

    A GUI keeps its own thread at 1 and gives the training thread TRAINING_THREADS: once two
    threads both run OpenMP thread teams, OpenMP stops spin-waiting when its threads outnumber
    the cores, and small-batch training on a CPU gets about 4x slower (measured by the bench).
    """
    torch.set_num_threads(max(1, n))


def yield_to_other_threads(nice: int = 10) -> None:
    """Lower the calling thread's priority (Linux; elsewhere nothing happens).

    The OpenMP threads it starts later inherit the priority. A GUI's training thread calls it so
    that, with the cores busy, the GUI thread (and the rest of the desktop) runs as soon as it
    has work: on 2 cores the bench's worst GUI stalls fell from ~130 to ~70 ms, throughput
    unchanged (CFS still gives training every cycle the others leave).
    """
    if sys.platform.startswith("linux"):
        with suppress(OSError):  # a sandbox may forbid it; training only loses the courtesy
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)


@contextmanager
def serial_torch() -> Iterator[None]:
    """Run a little torch work on the GUI thread without starting a second OpenMP team."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def warm_up() -> None:
    """Import what the first optimizer would import (torch._dynamo, about a second).

    Run it on a background thread as the app starts, so that pressing Train does not hold the
    GIL for that second while the window waits.
    """
    import_dynamo()
