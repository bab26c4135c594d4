"""A project keeps the table it was trained on: it opens and trains again once the CSV moved."""

import json
import zipfile
from pathlib import Path

import pytest
import torch
from public_tables import iris_csv, write_csv

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.errors import ProjectError
from playground.core.inspect.inference import answer_numbers
from playground.core.io import project_table
from playground.core.io.project import load_project, save_project
from playground.core.io.trained import trained_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer


def _trained(path):
    data = load_dataset(DatasetRef(str(path), {"target": "species"}))
    t = Trainer(preset("mlp", data.input_shape, data.num_classes), data, TrainConfig(epochs=1))
    t.run()
    return trained_project(t), data


def test_a_project_reopens_with_its_table_after_the_csv_is_gone(tmp_path):
    csv = iris_csv(tmp_path)
    project, data = _trained(csv)
    out = tmp_path / "iris.playground"
    assert save_project(out, project) is None
    moved = csv.rename(tmp_path / "elsewhere.csv")

    back = load_project(out)
    assert back.notes and "iris.csv" in back.notes[0] and "kept" in back.notes[0]
    assert back.dataset.options == {"target": "species"}
    assert back.dataset.source != str(csv) and back.dataset.source.endswith("iris.csv")
    again = load_dataset(back.dataset)
    assert again.class_names == ["setosa", "versicolor", "virginica"]
    assert again.preprocessing.inputs == data.preprocessing.inputs
    assert torch.equal(again.x_val, data.x_val) and torch.equal(again.y_val, data.y_val)
    assert back.runs == [] or back.runs[0].dataset == back.dataset
    flower = [5.1, 3.5, 1.4, 0.2]
    answer = answer_numbers(
        back.build_trained_model().eval(), flower, again.preprocessing, ["a", "b", "c"]
    )
    trained = answer_numbers(
        project.build_trained_model().eval(), flower, data.preprocessing, ["a", "b", "c"]
    )
    assert answer == trained and "%" in answer

    resaved = tmp_path / "again.playground"  # saved from the copy, it still keeps the table
    save_project(resaved, back)
    assert project_table.MEMBER in zipfile.ZipFile(resaved).namelist()
    assert moved.read_bytes() == Path(back.dataset.source).read_bytes()


def test_where_the_csv_is_still_there_it_is_read_from_its_path(tmp_path):
    csv = iris_csv(tmp_path)
    project, _ = _trained(csv)
    save_project(tmp_path / "p.playground", project)
    back = load_project(tmp_path / "p.playground")
    assert back.dataset.source == str(csv) and back.notes == []


def test_a_table_over_the_limit_keeps_its_path_and_says_so(tmp_path, monkeypatch):
    csv = iris_csv(tmp_path)
    project, _ = _trained(csv)
    monkeypatch.setattr(project_table, "MAX_KEPT_TABLE_BYTES", 100)
    note = save_project(tmp_path / "p.playground", project)
    assert note and "iris.csv" in note and "keeps only the path" in note and "\n" not in note
    with zipfile.ZipFile(tmp_path / "p.playground") as z:
        assert project_table.MEMBER not in z.namelist()
        assert "table" not in json.loads(z.read("project.json"))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "../../evil.csv", "sha256": ""}, "CSV/TSV file name"),
        ({"name": "<b>x</b>.csv", "sha256": ""}, "CSV/TSV file name"),
        ({"name": "x.exe", "sha256": ""}, "CSV/TSV file name"),
        ({"name": "t.csv", "sha256": "0" * 64}, "damaged"),
        ("t.csv", "describe the kept table"),
    ],
)
def test_a_bad_kept_table_is_refused_in_one_line(tmp_path, entry, message):
    csv = write_csv(tmp_path / "t.csv", ["a", "b"], [[1, "x"], [2, "y"], [3, "x"], [4, "y"]])
    project, _ = _trained_small(csv)
    out = tmp_path / "p.playground"
    save_project(out, project)
    csv.unlink()
    _rewrite_meta(out, lambda meta: meta.update(table=entry))
    with pytest.raises(ProjectError, match=message):
        load_project(out)


def _trained_small(path):
    from playground.core.io.project import Project

    data = load_dataset(DatasetRef(str(path), {"target": "b"}))
    return Project(preset("mlp", data.input_shape, 2), data.ref, class_names=["x", "y"]), data


def _rewrite_meta(path, change):
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    meta = json.loads(members["project.json"])
    change(meta)
    members["project.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, raw in members.items():
            z.writestr(n, raw)
