"""One bench round in a process of its own: `python -m playground.bench.round CASE EPOCHS
CONFIG_JSON SLICES` prints the round's figures as JSON (see gui.bench_round_process)."""

from __future__ import annotations

import json
import sys

from playground.bench.gui import bench_round
from playground.bench.loops import Case
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig


def main(argv: list[str]) -> None:
    name, epochs, config, slices = argv[0], int(argv[1]), json.loads(argv[2]), int(argv[3])
    case = Case(name, preset(name, (1, 28, 28), 10), epochs)
    print(json.dumps(bench_round(case, TrainConfig(**config), slices)))


if __name__ == "__main__":
    main(sys.argv[1:])
