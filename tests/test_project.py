import io
import json
import math
import os
import pickle
import stat
import time
import zipfile

import pytest
import torch

from playground.core.data.registry import load_dataset
from playground.core.errors import ProjectError
from playground.core.io.project import Project, load_project, save_project
from playground.core.io.trained import trained_project
from playground.core.model.graph_edit import as_graph
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.runs import new_run
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def trained():
    data = load_dataset("gauss", seed=0)
    spec = preset("mlp", data.input_shape, data.num_classes)
    config = TrainConfig(epochs=2, lr=0.01)
    t = Trainer(spec, data, config)
    t.run()
    return trained_project(t), t.model


def test_round_trip(tmp_path, trained):
    project, model = trained
    path = tmp_path / "p.playground"
    save_project(path, project)
    with zipfile.ZipFile(path) as z:
        assert set(z.namelist()) == {"project.json", "weights.safetensors", "history.json"}
    back = load_project(path)
    assert back.spec == project.spec and back.config == project.config
    assert back.class_names == ["blue", "orange"] and back.dataset == project.dataset
    assert back.preprocessing == project.preprocessing
    assert len(back.history.epochs) == 2
    x = torch.randn(5, 2)
    rebuilt = back.build_trained_model().eval()
    assert torch.equal(rebuilt(x), model.eval()(x))
    assert not list(tmp_path.glob(".*tmp"))


def test_a_straight_graph_trained_reopens_as_a_stack_with_its_weights(tmp_path):
    """Drawn as branches but one chain, it reads back as a stack: its weights (and a kept
    run's) are saved under the stack's names, so it opens (it failed: 'do not fit')."""
    data = load_dataset("gauss", seed=0)
    graph = as_graph(preset("mlp", data.input_shape, data.num_classes))
    t = Trainer(graph, data, TrainConfig(epochs=1, lr=0.01))
    finished = t.run()
    project = trained_project(t)
    project.runs = [new_run(t.config, data.ref, t.history, 0, finished, "cpu", 0.0, 1.0,
                            project.weights, spec=graph)]  # fmt: skip
    path = tmp_path / "straight.playground"
    save_project(path, project)
    back = load_project(path)
    assert not back.spec.is_graph and back.sealed
    x = torch.randn(5, 2)
    expected = t.model.eval()(x)
    assert torch.equal(back.build_trained_model().eval()(x), expected)
    run = back.runs[0]
    assert not run.spec.is_graph and run.weights.keys() == back.weights.keys()


def test_failed_save_keeps_old_file(tmp_path, trained, monkeypatch):
    project, _ = trained
    path = tmp_path / "p.playground"
    save_project(path, project)
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", disk_full)
    with pytest.raises(ProjectError, match="No space left on device"):
        save_project(path, project)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".*tmp"))


def test_save_into_missing_folder(tmp_path, trained):
    with pytest.raises(ProjectError, match="could not save"):
        save_project(tmp_path / "nope" / "p.playground", trained[0])


class Boom:
    def __reduce__(self):
        return (print, ("pwned",))


def test_pickles_are_refused(tmp_path):
    raw = tmp_path / "evil.playground"
    raw.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ProjectError, match="pickle"):
        load_project(raw)
    pt = tmp_path / "model.playground"
    torch.save({"w": torch.zeros(2)}, pt)  # a zip with data.pkl inside
    with pytest.raises(ProjectError, match="pickle"):
        load_project(pt)


def _zip(path, members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    path.write_bytes(buf.getvalue())


def _meta(**over):
    meta = {
        "format": "playground.project",
        "version": 1,
        "network": {
            "format": "playground.network",
            "version": 1,
            "input_shape": [2],
            "layers": [{"type": "Linear", "out_features": 2}],
        },
        "dataset": {"source": "xor"},
        "class_names": ["a", "b"],
        "preprocessing": {"kind": "points", "mean": [0, 0], "std": [1, 1]},
    }
    meta.update(over)
    return json.dumps(meta)


@pytest.mark.parametrize(
    "members,message",
    [
        ({"other.txt": "hi"}, "no project.json"),
        ({"project.json": "{oops"}, "not valid JSON"),
        ({"project.json": json.dumps({"format": "x"})}, "not a Neural Playground project"),
        ({"project.json": json.dumps({"format": "playground.project", "version": 9})}, "newer"),
        (
            {
                "project.json": _meta(
                    network={
                        "format": "playground.network",
                        "version": 1,
                        "input_shape": [2],
                        "layers": [{"type": "Qux"}],
                    }
                )
            },
            "unknown layer type",
        ),
    ],
)
def test_foreign_and_bad_projects(tmp_path, members, message):
    path = tmp_path / "bad.playground"
    _zip(path, members)
    with pytest.raises(ProjectError, match=message):
        load_project(path)


def test_corrupt_and_truncated(tmp_path, trained):
    path = tmp_path / "p.playground"
    save_project(path, trained[0])
    data = path.read_bytes()
    (tmp_path / "t.playground").write_bytes(data[: len(data) // 2])
    with pytest.raises(ProjectError, match="damaged or truncated"):
        load_project(tmp_path / "t.playground")
    (tmp_path / "n.playground").write_bytes(b"hello, not a project")
    with pytest.raises(ProjectError, match="not a Neural Playground project"):
        load_project(tmp_path / "n.playground")
    with pytest.raises(ProjectError, match="cannot open"):
        load_project(tmp_path / "missing.playground")


def test_damaged_weights(tmp_path, trained):
    path = tmp_path / "p.playground"
    save_project(path, trained[0])
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["weights.safetensors"] = members["weights.safetensors"][:40]
    _zip(path, members)
    with pytest.raises(ProjectError, match=r"weights .* damaged"):
        load_project(path)


def test_weights_that_do_not_fit(tmp_path, trained):
    project, _ = trained
    other = Project(
        preset("perceptron", (2,), 2),
        project.dataset,
        project.config,
        project.class_names,
        project.preprocessing,
        project.weights,
    )
    with pytest.raises(ProjectError, match="do not fit"):
        other.build_trained_model()


def test_killed_save_leaves_the_old_file(tmp_path, trained):
    """A process killed in the middle of writing a project: the old file is still whole."""
    import subprocess
    import sys

    project, _ = trained
    path = tmp_path / "p.playground"
    save_project(path, project)
    before = path.read_bytes()
    child = (
        "import os, sys, zipfile\n"
        "from playground.core.io.project import load_project, save_project\n"
        "project = load_project(sys.argv[1])\n"
        "original = zipfile.ZipFile.writestr\n"
        "def dying(self, name, data, *a, **k):\n"
        "    if name == 'weights.safetensors':\n"
        "        original(self, name, data[: len(data) // 2])\n"
        "        os._exit(9)  # killed mid-write\n"
        "    return original(self, name, data, *a, **k)\n"
        "zipfile.ZipFile.writestr = dying\n"
        "save_project(sys.argv[1], project)\n"
    )
    r = subprocess.run([sys.executable, "-c", child, str(path)], capture_output=True)
    assert r.returncode == 9
    assert path.read_bytes() == before
    assert load_project(path).weights is not None


@pytest.mark.parametrize(
    "members,message",
    [
        ({"project.json": " " * (17 << 20)}, "project.json inside bad.playground is larger than"),
        ({"project.json": _meta(), "history.json": "[" * 50 + "]" * 50}, "nests deeper"),
        ({"project.json": _meta(class_names="ab")}, "class_names must be a list"),
        ({"project.json": _meta(class_names=[["a"]])}, "class_names must hold names"),
        ({"project.json": _meta(dataset={"source": 3})}, "data set must be an object"),
        ({"project.json": _meta(dataset={"source": "xor", "options": [1]})}, "options must map"),
        ({"project.json": _meta(training={"seed": 2**70})}, "seed must be from 0"),
        ({"project.json": _meta(training={"weight_decay": "x"})}, "weight decay must be"),
        ({"project.json": _meta(preprocessing={"kind": "video"})}, "kind must be 'image' or"),
        (
            {"project.json": _meta(preprocessing={"kind": "points", "mean": [0], "std": [1]})},
            "makes inputs of shape [1] but the network takes [2]",
        ),
        (
            {"project.json": _meta(preprocessing={"kind": "points", "mean": [0, 0], "std": "1"})},
            "preprocessing std must list one number per channel",
        ),
        (
            {
                "project.json": _meta(
                    preprocessing={"kind": "points", "mean": [0, 0], "std": [1, 0]}
                )
            },
            "preprocessing std must be from",
        ),
        (
            {
                "project.json": _meta(
                    preprocessing={
                        "kind": "image",
                        "mean": [0],
                        "std": [1],
                        "channels": 1,
                        "size": [10**9, 2],
                    }
                )
            },
            "preprocessing size must be from 1 to 4096",
        ),
        ({"project.json": _meta(network=None)}, "not a Neural Playground network"),
        ({"project.json": _meta(), "history.json": '{"epochs": [{"epoch": 1}]}'}, "lacks fields"),
        ({"project.json": _meta(), "history.json": '{"epochs": 3}'}, "list of epochs"),
        ({"project.json": _meta(), "weights.safetensors": b"\x08" + b"\0" * 7}, "damaged"),
    ],
)
def test_bad_members_refused_naming_the_field(tmp_path, members, message):
    path = tmp_path / "bad.playground"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    path.write_bytes(buf.getvalue())
    with pytest.raises(ProjectError) as e:
        load_project(path)
    assert message in str(e.value)


def test_non_finite_weights_refused(tmp_path, trained):
    project, _ = trained
    bad = {k: v.clone() for k, v in project.weights.items()}
    next(iter(bad.values())).view(-1)[0] = float("nan")
    path = tmp_path / "nan.playground"
    save_project(path, Project(project.spec, project.dataset, weights=bad))
    with pytest.raises(ProjectError, match="NaN or infinite values"):
        load_project(path)


@pytest.mark.parametrize("dtype", [torch.int8, torch.bool, torch.int64])
def test_weights_that_are_not_floating_point_refused(tmp_path, trained, dtype):
    """Cast silently, int8 or bool weights would give the same answer for every input."""
    project, _ = trained
    bad = dict(project.weights)
    name = next(iter(bad))
    bad[name] = bad[name].to(dtype)
    path = tmp_path / "ints.playground"
    save_project(path, Project(project.spec, project.dataset, weights=bad))
    with pytest.raises(ProjectError) as e:
        load_project(path)
    message = str(e.value)
    assert f"{name} holds {str(dtype).removeprefix('torch.')}" in message
    assert "\n" not in message


def test_batch_norm_counts_are_whole_numbers_and_open(tmp_path):
    from playground.core.model.build import build_model
    from playground.core.model.spec import LayerSpec, NetworkSpec

    L = LayerSpec.make
    spec = NetworkSpec(
        (2,), [L("Linear", out_features=4), L("BatchNorm1d"), L("Linear", out_features=2)]
    )
    weights = build_model(spec).state_dict()
    assert weights["1.num_batches_tracked"].dtype == torch.int64
    path = tmp_path / "bn.playground"
    save_project(path, Project(spec, load_dataset("gauss", seed=0).ref, weights=weights))
    assert load_project(path).weights["1.num_batches_tracked"].dtype == torch.int64


def test_save_through_a_symbolic_link_keeps_it_and_the_permissions(tmp_path, trained):
    project, _ = trained
    real = tmp_path / "store" / "real.playground"
    real.parent.mkdir()
    save_project(real, project)
    os.chmod(real, 0o640)
    link = tmp_path / "link.playground"
    link.symlink_to(real)
    save_project(link, project)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert load_project(link).class_names == project.class_names


def test_new_project_gets_the_usual_permissions(tmp_path, trained):
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "new.playground"
    save_project(path, trained[0])
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_saving_onto_a_folder_says_so(tmp_path, trained):
    (tmp_path / "dir.playground").mkdir()
    with pytest.raises(ProjectError, match="it is a folder"):
        save_project(tmp_path / "dir.playground", trained[0])


def test_interrupted_save_leaves_no_temporary_file(tmp_path, trained, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_project(tmp_path / "p.playground", trained[0])
    assert list(tmp_path.iterdir()) == []


def test_abandoned_temporary_files_are_swept(tmp_path, trained):
    old = tmp_path / ".p.playground.0badf00d.playground-tmp"
    fresh = tmp_path / ".q.playground.12345678.playground-tmp"
    other = tmp_path / ".someone-elses.tmp"
    for f in (old, fresh, other):
        f.write_bytes(b"half a project")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    save_project(tmp_path / "p.playground", trained[0])
    assert not old.exists() and fresh.exists() and other.exists()
    os.utime(fresh, (time.time() - 3600, time.time() - 3600))
    load_project(tmp_path / "p.playground")
    assert not fresh.exists() and other.exists()


def test_a_record_with_nan_metrics_loads(tmp_path, trained):
    """A diverged run's history may hold NaN: the project it is saved in still opens."""
    from playground.core.training.events import EpochMetrics
    from playground.core.training.history import History

    history = History()
    history.add_epoch(EpochMetrics(1, 10, float("nan"), 0.5, float("inf"), 0.5, 100.0, 1.0))
    project = Project(trained[0].spec, trained[0].dataset, history=history)
    save_project(tmp_path / "nan.playground", project)
    back = load_project(tmp_path / "nan.playground").history.epochs[0]
    assert math.isnan(back.train_loss) and back.val_loss == float("inf")
