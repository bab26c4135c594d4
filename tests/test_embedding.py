"""The embedding projector's core and `playground embed`: a trained LeNet-5 keeps the digits
apart in the plane."""

import csv
import json
import sys

import numpy as np
import pytest
import torch

from playground.cli import main
from playground.core.errors import PlaygroundError
from playground.core.inspect.embedding import (
    METHODS,
    check_method,
    embed,
    neighbour_agreement,
    place,
)
from playground.core.io.project import load_project

# a 5-nearest-neighbour vote in the plane agrees with the label for most digits
AGREEMENT = {"pca": 0.5, "tsne": 0.7, "umap": 0.7}


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_digits_keep_apart_in_the_plane(lenet_project, mnist5k, method):
    project = load_project(lenet_project)
    model = project.build_trained_model()
    n = 600  # t-SNE's time grows with the points: enough to judge, quick to place
    points = embed(model, mnist5k.x_val[:n], mnist5k.y_val[:n], method, project.familiarity)
    assert points.xy.shape == (n, 2)
    assert (points.labels == mnist5k.y_val[:n].numpy()).all()
    accuracy = (points.predicted == points.labels).mean()
    assert accuracy > 0.8
    agreement = points.neighbour_agreement()
    print(f"{method}: a 5-NN vote in the plane agrees with the label for {agreement:.1%}")
    assert agreement > AGREEMENT[method]
    assert points.strangeness is not None and points.strangers.sum() < n / 10


def test_cli_writes_the_points(lenet_project, tmp_path, capsys):
    out = tmp_path / "points.csv"
    assert main(["embed", str(lenet_project), "--method", "pca", "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    with out.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == summary["points"] == 1000  # mnist5k's validation samples
    assert set(rows[0]) == {"index", "x", "y", "label", "predicted", "strangeness"}
    assert sum(r["label"] == r["predicted"] for r in rows) > 800
    assert summary["neighbour_agreement"] > AGREEMENT["pca"]


def test_umap_when_installed(lenet_project, mnist5k):
    pytest.importorskip("umap", reason="umap-learn (the umap extra) is not installed")
    project = load_project(lenet_project)
    n = 600
    points = embed(project.build_trained_model(), mnist5k.x_val[:n], mnist5k.y_val[:n], "umap")
    agreement = points.neighbour_agreement()
    print(f"umap: a 5-NN vote in the plane agrees with the label for {agreement:.1%}")
    assert agreement > AGREEMENT["umap"]


def test_umap_missing_is_refused_in_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "umap", None)  # import umap raises ImportError
    with pytest.raises(PlaygroundError, match=r"umap-learn: pip install"):
        check_method("umap")
    code = main(["embed", str(tmp_path / "none.playground"), "--method", "umap", "-o", "x.csv"])
    assert code == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_unknown_method_and_no_linear_are_refused(mnist5k):
    from playground.core.model.build import build_model
    from playground.core.model.spec import LayerSpec, NetworkSpec

    with pytest.raises(PlaygroundError, match="unknown method"):
        check_method("lda")
    spec = NetworkSpec((2,), (LayerSpec.make("ReLU"),))
    import torch

    with pytest.raises(PlaygroundError, match="no Linear layer"):
        embed(build_model(spec), torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))


def test_agreement_of_separate_clusters_is_complete():
    import numpy as np

    xy = np.concatenate([np.random.default_rng(0).normal(c, 0.1, (20, 2)) for c in (0, 5)])
    labels = np.repeat([0, 1], 20)
    assert neighbour_agreement(xy, labels) == 1.0
    assert neighbour_agreement(xy, labels[::-1].copy()) == 1.0
    assert neighbour_agreement(xy, np.tile([0, 1], 20)) < 0.8


@pytest.mark.parametrize("samples", [1, 2, 3])
def test_a_validation_part_of_few_samples_is_placed_by_every_method(samples):
    features = torch.randn(samples, 16, generator=torch.Generator().manual_seed(samples))
    for method in METHODS:  # UMAP failed below 4 samples with scipy's TypeError
        xy = place(features, method)
        assert xy.shape == (samples, 2) and np.isfinite(xy).all()
