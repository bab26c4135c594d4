"""Choose the training device: CUDA, then Apple MPS, then CPU."""

from __future__ import annotations

import torch

from playground.core.errors import PlaygroundError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


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
