"""Stop checks inside a step: a step that takes seconds ends within one layer of a stop."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


class StopChecks:
    """Checks for stop before every layer's forward and backward, while installed. Only for
    slow steps: hooks take each layer off PyTorch's fast path, which would cost a small
    network ~10 % of its speed."""

    def __init__(self, model: nn.Module, check: Callable[[], None]) -> None:
        self.model, self.check = model, check
        self._handles: list[torch.utils.hooks.RemovableHandle] = []

    @property
    def installed(self) -> bool:
        return bool(self._handles)

    def install(self) -> None:
        if self._handles:
            return
        # a deep copy of the model (to classify with) copies its hooks too: they must not act
        # on the copy once this run is stopped
        owned = {id(m) for m in self.model.modules()}
        check = self.check

        def before(module: nn.Module, args: object) -> None:
            if id(module) in owned:
                check()

        def on_output(module: nn.Module, args: object, out: object) -> None:
            if id(module) in owned and isinstance(out, torch.Tensor) and out.requires_grad:
                out.register_hook(lambda grad: check())

        for m in self.model.modules():
            self._handles.append(m.register_forward_pre_hook(before))
            self._handles.append(m.register_forward_hook(on_output))

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
