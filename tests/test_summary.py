"""`playground summary`: the table torchinfo gives, for stacks and graphs."""

import json

import torch

from playground.cli import main
from playground.core.model.spec import LayerSpec, NetworkSpec

L = LayerSpec.make


def _summary(capsys, *args: str) -> tuple[int, str]:
    code = main(["summary", *args])
    return code, capsys.readouterr().out


def test_lenet5_counts_parameters_and_multiply_adds(capsys):
    code, out = _summary(capsys, "lenet5", "--json")
    data = json.loads(out)
    assert code == 0 and data["error"] is None
    assert data["total_params"] == 61_706
    first = data["nodes"][0]
    # 6 maps of 28×28, each value a 5×5 kernel over 1 channel
    assert first == {"id": "1", "type": "Conv2d", "shape": [6, 28, 28], "params": 156} | {
        "macs": 6 * 28 * 28 * 25
    }
    assert data["total_macs"] == sum(n["macs"] for n in data["nodes"])


def test_a_graph_file_reports_per_node_and_names_its_problem(tmp_path, capsys):
    nodes = (
        L("Conv2d", out_channels=8, kernel_size=3, padding=1).wired("stem", ["input"]),
        L("Conv2d", out_channels=8, kernel_size=3, padding=1, stride=2).wired("body", ["stem"]),
        L("Add").wired("add", ["body", "stem"]),
    )
    path = tmp_path / "net.json"
    NetworkSpec((1, 8, 8), nodes, "add").save(path)
    code, out = _summary(capsys, str(path))
    assert code == 1
    assert "add (Add): in2 is 8×8×8 but in1 is 8×4×4" in out
    assert "give the shortcut a 1×1 Conv2d with 8 out_channels and stride 2" in out


def test_a_graph_counts_what_torch_counts(tmp_path, capsys):
    nodes = (
        L("Conv2d", out_channels=4, kernel_size=1).wired("a", ["input"]),
        L("Conv2d", out_channels=4, kernel_size=3, padding=1).wired("b", ["input"]),
        L("Concat").wired("cat", ["a", "b"]),
        L("Flatten").wired("flat", ["cat"]),
        L("Linear", out_features=3).wired("out", ["flat"]),
    )
    spec = NetworkSpec((2, 5, 5), nodes, "out")
    path = tmp_path / "net.json"
    spec.save(path)
    code, out = _summary(capsys, str(path), "--json")
    data = json.loads(out)
    from playground.core.model.build import build_model

    assert code == 0
    assert data["total_params"] == sum(p.numel() for p in build_model(spec).parameters())
    macs = {n["id"]: n["macs"] for n in data["nodes"]}
    assert macs == {"a": 4 * 25 * 2, "b": 4 * 25 * 2 * 9, "cat": 0, "flat": 0, "out": 200 * 3}
    assert torch.Size(data["nodes"][2]["shape"]) == torch.Size([8, 5, 5])
