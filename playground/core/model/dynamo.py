"""torch._dynamo, imported once by whichever thread needs it first while the others wait.

Tracing a module (torch.fx) and the first optimizer import it lazily, about a second's work;
two threads importing it at once (the window's warm-up and an import or a first run) can see
it half made ("partially initialized module 'torch._dynamo'")."""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def import_dynamo() -> None:
    with _LOCK:
        import torch._dynamo  # noqa: F401
