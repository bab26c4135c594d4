"""playground bench: its pieces without a window, --quick end to end, and the torchrun scaling
figure (a file of its own: the slowest CLI tests run beside the others on another worker)."""

import json

import pytest
import torch

from cli_helpers import run_playground


def test_history_and_bench_pieces_without_gui(mnist5k):
    from playground.bench.loops import Case, bare_loop, history_growth_mb, trainer_alone
    from playground.core.model.presets import preset
    from playground.core.training.config import TrainConfig

    case = Case("mlp", preset("mlp", (1, 28, 28), 10), 1)
    assert bare_loop(case, mnist5k, TrainConfig()) > 0
    assert trainer_alone(case, mnist5k, TrainConfig()) > 0
    # the 30-minute figure against its 50 MB target is bench --quick's: here 3 minutes, 5 MB
    assert history_growth_mb(minutes=3) < 5


def test_bench_quick_prints_every_figure():
    r = run_playground("bench", "--quick", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["device"] and 0 < report["launch_s"] < report["ready_to_train_s"]
    assert list(report["models"]) == ["lenet5"]
    for m in report["models"].values():
        assert min(m["bare_samples_per_s"], m["trainer_samples_per_s"], m["gui_samples_per_s"]) > 0
        assert set(m["lateness_ms"]) == {"p50_ms", "p99_ms", "max_ms"}
        assert len(m["gui_ratio_slices"]) == report["rounds"] == report["slices_per_round"] == 1
        assert m["gui_neurons_ratio"] > 0 and len(m["gui_neurons_ratio_slices"]) == 1
        assert 0 <= m["gui_cpu_share"] < 1
        assert 0 < m["drop_to_bars_ms"]["median_ms"] <= m["drop_to_bars_ms"]["max_ms"]
    assert report["history_30min_mb"] < report["targets"]["history_30min_mb"]
    photos = report["photos"]
    assert photos["imagenet_drop_to_bars_ms"] > 0 and photos["feature_caching_images_per_s"] > 0
    assert 0 < photos["transfer_head_s"] < photos["transfer_s"]
    sweep = report["sweep"]
    assert sweep["trials"] == 1 and sweep["sweep_s"] > 0
    late = sweep["lateness"]
    assert 0 <= late["p50_ms"] <= late["p99_ms"] <= late["max_ms"]


def test_bench_scaling_times_torchrun_with_one_and_two_processes():
    from playground.bench.scaling import scaling

    # an MLP on points: the torchrun groups' start-ups, not their training, take the time
    cpu = torch.device("cpu")
    s = scaling(2, cpu, epochs=1, batch=32, repeats=1, model="mlp", dataset="circle")
    assert s["model"] == "mlp" and s["processes"] == 2 and s["threads_per_process"] >= 1
    assert min(s["samples_per_s_1"], s["samples_per_s_n"]) > 0
    assert s["efficiency"] == pytest.approx(s["samples_per_s_n"] / (2 * s["samples_per_s_1"]))
    r = run_playground("bench", "--processes", "1")
    assert r.returncode != 0 and "give 2 or more" in r.stderr
