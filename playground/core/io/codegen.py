"""What the Python exports share: the network and its optimizer written as PyTorch code."""

from __future__ import annotations

from torch import nn

from playground.core.errors import PlaygroundError


def check_python_export(model: nn.Sequential) -> None:
    """PlaygroundError unless every layer is a torch.nn module the script can write out."""
    own = sorted({type(m).__name__ for m in model if not type(m).__module__.startswith("torch.")})
    if own:
        raise PlaygroundError(
            "the python export writes only plain torch.nn layers, not Neural Playground's own "
            f"({', '.join(own)}): export onnx or torchscript instead"
        )


def layers_code(model: nn.Sequential) -> str:
    """The lines of an nn.Sequential(...) that rebuilds model's plain torch.nn layers."""
    return "\n".join(f"        nn.{module!r}," for module in model)


OPTIMIZER_CODE = {
    "adam": "torch.optim.Adam(model.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)",
    "adamw": "torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)",
    "sgd": "torch.optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM, "
    "weight_decay=WEIGHT_DECAY)",
    "rmsprop": "torch.optim.RMSprop(model.parameters(), lr=lr, momentum=MOMENTUM, "
    "weight_decay=WEIGHT_DECAY)",
}
