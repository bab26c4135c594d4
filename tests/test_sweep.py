"""Sweeps: a study on a toy set finds better settings than a bad default; two processes add
trials to one study through a shared SQLite file; a real PostgreSQL server as the storage."""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.io.project import load_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.sweep import SweepPlan, open_study, run_sweep
from playground.core.training.sweep_space import parse_param
from playground.core.training.trainer import Trainer

CIRCLE = DatasetRef("circle", {"samples": 300})
BAD = TrainConfig(lr=1e-5, epochs=2, batch_size=32)  # learns nothing in 2 epochs


def _plan(storage: str, study: str = "toy", trials: int = 4, **kw) -> SweepPlan:
    params = (parse_param("lr=1e-2..3e-1:log"), parse_param("layers.0.out_features=4..16"))
    spec = preset("mlp", (2,), 2)
    return SweepPlan(spec, CIRCLE, BAD, params, storage, study, trials, **kw)


def test_a_study_beats_a_bad_default(tmp_path):
    default = Trainer(preset("mlp", (2,), 2), load_dataset(CIRCLE), BAD)
    default.run()
    bad = default.history.epochs[-1].val_accuracy
    heard = []
    results = run_sweep(_plan(f"sqlite:///{tmp_path}/s.db"), on_trial=heard.append)
    assert heard == results and len(results) == 4
    assert {r.state for r in results} <= {"complete", "pruned"}
    best = max(r.value for r in results if r.value is not None)
    assert best > bad + 0.2, (best, bad)
    complete = [r for r in results if r.state == "complete"]
    assert all(r.run.config.lr == r.values["lr"] for r in complete)
    assert all(
        r.run.spec.layers[0].params["out_features"] == r.values["layers.0.out_features"]
        for r in complete
    )


def test_cancel_stops_between_steps(tmp_path):
    asked = []

    def stop():
        asked.append(1)
        return len(asked) > 3  # a few steps into the first trial

    results = run_sweep(_plan(f"sqlite:///{tmp_path}/c.db", trials=5), stop=stop)
    assert results == []  # the trial under way is not counted; none after it starts
    study = open_study(_plan(f"sqlite:///{tmp_path}/c.db"))
    assert len(study.trials) == 1 and study.trials[0].state.name == "FAIL"


def test_two_processes_add_to_one_study(tmp_path):
    """A `playground sweep` process with two workers and this process share a study (SQLite)
    and a project (the trials land in its runs)."""
    storage = f"sqlite:///{tmp_path}/shared.db"
    project = tmp_path / "toy.playground"
    args = [
        "--dataset",
        "circle",
        "--samples",
        "300",
        "--epochs",
        "2",
        "--batch-size",
        "32",
        "--lr",
        "1e-5",
        "--param",
        "lr=1e-2..3e-1:log",
        "--param",
        "layers.0.out_features=4..16",
        "--storage",
        storage,
        "--study",
        "shared",
        "-o",
        str(project),
    ]
    other = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "playground",
            "sweep",
            "mlp",
            *args,
            "--trials",
            "2",
            "--workers",
            "2",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    try:
        from playground.cli import main

        assert main(["sweep", "mlp", *args, "--trials", "2"]) == 0
        out, err = other.communicate(timeout=300)
    finally:
        other.kill()
    assert other.returncode == 0, out + err
    summary = json.loads(out)
    assert summary["trials"] == 2 and summary["study"] == "shared"
    study = open_study(_plan(storage, "shared"))
    assert len(study.trials) == 4  # each process's two
    assert summary["best"]["val_accuracy"] > 0.7
    runs = load_project(project).runs
    assert sorted(r.name for r in runs) == [f"shared trial {n}" for n in range(4)]


def test_a_storage_that_cannot_be_opened_is_one_line(tmp_path):
    with pytest.raises(PlaygroundError, match="journal file"):
        run_sweep(_plan(str(tmp_path / "study.db")))
    with pytest.raises(PlaygroundError, match="cannot open the study storage"):
        run_sweep(_plan("postgresql://nobody@127.0.0.1:1/none"))


def test_a_journal_file_holds_a_study(tmp_path):
    results = run_sweep(_plan(str(tmp_path / "study.log"), trials=2, sampler="random"))
    assert len(results) == 2
    assert len(open_study(_plan(str(tmp_path / "study.log"))).trials) == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_program(name: str) -> str | None:
    """On the PATH, or where Debian's packages put it (/usr/lib/postgresql/VERSION/bin)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return shutil.which(name) or (found[-1] if found else None)


@pytest.fixture
def postgres():
    """A throwaway PostgreSQL server on 127.0.0.1 and a free port, in a temporary folder:
    its URL. Skips, saying why, where none can run."""
    pytest.importorskip("psycopg", reason="the psycopg driver (test extra) is not installed")
    initdb, pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL is not installed (initdb, pg_ctl): apt-get install postgresql")
    as_user: list[str] = []
    folder = tempfile.mkdtemp(prefix="playground-pg-")
    if os.geteuid() == 0:  # the server refuses to run as root: as the postgres user
        if not shutil.which("runuser"):
            pytest.skip("PostgreSQL refuses root and runuser is missing")
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(folder, "data"), _free_port()
    try:
        subprocess.run(
            [*as_user, initdb, "-D", data, "-A", "trust", "-U", "playground"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-h 127.0.0.1 -p {port} -k {folder}"
        subprocess.run(
            [
                *as_user,
                pg_ctl,
                "-D",
                data,
                "-o",
                options,
                "-w",
                "-l",
                os.path.join(folder, "log"),
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield f"postgresql://playground@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_a_study_on_a_postgresql_server(postgres):
    began = time.perf_counter()
    results = run_sweep(_plan(postgres, "pg", trials=2, sampler="random"))
    assert len(results) == 2
    study = open_study(_plan(postgres, "pg"))
    assert [t.number for t in study.trials] == [0, 1]
    assert time.perf_counter() - began < 120


def test_a_study_read_back(tmp_path):
    """Trials written straight into a study: its table, best trial, importances, and the
    trials as parallel coordinates."""
    import optuna

    from playground.core.training.sweep_results import parallel_coordinates, read_study

    storage = str(tmp_path / "read.log")
    study = open_study(_plan(storage, "read"))
    lr = optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True)
    opt = optuna.distributions.CategoricalDistribution(["adam", "sgd"])
    for rate, name, value in [
        (1e-4, "sgd", 0.5),
        (1e-3, "adam", 0.7),
        (1e-2, "adam", 0.9),
        (1e-1, "sgd", 0.6),
    ]:
        study.add_trial(
            optuna.trial.create_trial(
                params={"lr": rate, "optimizer": name},
                distributions={"lr": lr, "optimizer": opt},
                value=value,
                intermediate_values={1: value - 0.1, 2: value},
            )
        )
    table = read_study(storage, "read")
    assert table.names == ["lr", "optimizer"] and len(table.rows) == 4
    assert table.best.number == 2 and table.best.curve == {1: 0.8, 2: 0.9}
    assert set(table.importances) == {"lr", "optimizer"}
    assert sum(table.importances.values()) == pytest.approx(1)
    axes, positions, results = parallel_coordinates(table)
    assert list(results) == [0.5, 0.7, 0.9, 0.6]
    assert axes == ["lr", "optimizer", "val accuracy"] and positions.shape == (4, 3)
    assert positions[:, 0] == pytest.approx([0, 1 / 3, 2 / 3, 1])  # lr on a log axis
    assert list(positions[:, 1]) == [1, 0, 0, 1]  # adam, sgd in order
    assert positions[2, 2] == 1 and positions[0, 2] == 0
    with pytest.raises(PlaygroundError, match="no study named 'other'"):
        read_study(storage, "other")


def test_importances_are_reused_until_a_trial_completes(tmp_path, monkeypatch):
    from playground.core.training import sweep_results

    storage = str(tmp_path / "again.log")
    run_sweep(_plan(storage, "again", trials=3, sampler="random"))
    first = sweep_results.read_study(storage, "again")
    monkeypatch.setattr(sweep_results, "_importances", lambda *a: {"fitted": 1.0})
    assert sweep_results.read_study(storage, "again", first).importances == first.importances
    assert sweep_results.read_study(storage, "again").importances == {"fitted": 1.0}


def test_a_sweep_on_a_regression_table_maximises_validation_r2(tmp_path):
    """The trials of a table's regression are judged by their best validation R², in the
    study, its table read back, and `playground sweep --json` (val_r2)."""
    from public_tables import prices_csv

    from cli_helpers import run_playground
    from playground.core.training.sweep_results import parallel_coordinates, read_study

    csv = prices_csv(tmp_path)
    storage = f"sqlite:///{tmp_path}/r.db"
    r = run_playground(
        "sweep", "mlp", "--dataset", str(csv), "--target", "price", "--trials", "2",
        "--epochs", "1", "--param", "lr=1e-2..1e-1:log", "--storage", storage,
        "--study", "prices", "--json", "-o", str(tmp_path / "prices.playground"),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["complete"] == 2 and "val_accuracy" not in summary["best"]
    table = read_study(storage, "prices")
    assert table.task == "regression" and table.score == "R²"
    runs = load_project(tmp_path / "prices.playground").runs
    best_r2 = max(max(e.val_accuracy for e in run.history.epochs) for run in runs)
    assert summary["best"]["val_r2"] == pytest.approx(best_r2) == table.best.value
    assert all(e.val_mae is not None for run in runs for e in run.history.epochs)
    assert parallel_coordinates(table)[0][-1] == "val R²"
    classes = SweepPlan(preset("mlp", (4,), 3), CIRCLE, BAD, (), storage, "prices")
    with pytest.raises(PlaygroundError, match="compares trials by validation R²"):
        open_study(classes)  # classes' accuracies would not compare with R²
