"""The seal of a project's training record: a digest the app writes on save that binds the
weights to the history and settings they were trained with, and to the network they fit.

A record edited by hand (more epochs claimed, another optimizer) no longer matches its seal,
so practice checks distrust it. It shows a hand edit; it cannot stop a forger who reads this
file, and it does not try to."""

from __future__ import annotations

import hashlib
import json
from typing import Any

SALT = b"neural-playground/training-record/1"


def seal(meta: dict[str, Any], *members: bytes) -> str:
    """The seal of project.json's network and settings and of the members' bytes as stored
    in the zip (the weights, the history, the runs and their weights; b"" for one absent)."""
    settings = json.dumps([meta.get("network"), meta.get("training")], sort_keys=True)
    digest = hashlib.sha256(SALT)
    for part in (settings.encode(), *members):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()
