import io
import json
import pickle
import zipfile

import pytest
import torch

from playground.core.config import TrainConfig
from playground.core.data.registry import load_dataset
from playground.core.errors import ProjectError
from playground.core.presets import preset
from playground.core.project import Project, load_project, save_project
from playground.core.trainer import Trainer


@pytest.fixture(scope="module")
def trained():
    data = load_dataset("gauss", seed=0)
    spec = preset("mlp", data.input_shape, data.num_classes)
    config = TrainConfig(epochs=2, lr=0.01)
    t = Trainer(spec, data, config)
    t.run()
    return t.project(), t.model


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


@pytest.mark.parametrize(
    "members,message",
    [
        ({"other.txt": "hi"}, "no project.json"),
        ({"project.json": "{oops"}, "not valid JSON"),
        ({"project.json": json.dumps({"format": "x"})}, "not a Neural Playground project"),
        ({"project.json": json.dumps({"format": "playground.project", "version": 9})}, "newer"),
        (
            {
                "project.json": json.dumps(
                    {
                        "format": "playground.project",
                        "version": 1,
                        "network": {
                            "format": "playground.network",
                            "version": 1,
                            "input_shape": [2],
                            "layers": [{"type": "Qux"}],
                        },
                        "dataset": {"source": "xor"},
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
        "from playground.core.project import load_project, save_project\n"
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
