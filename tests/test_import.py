"""`playground import`: ordinary PyTorch modules (traced with torch.fx) and ONNX files become
projects of catalog nodes that give the same outputs and count the same parameters."""

import json
import sys
from pathlib import Path

import pytest
import torch

from playground.cli import main
from playground.core.io.project import load_project

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import import_models  # noqa: E402  (the modules a user would write)

MODELS = ["SmallResNet", "Inception", "DenseBlock", "MobileBlock", "Plain"]


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _reference(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return getattr(import_models, name)().eval()


@pytest.mark.parametrize("name", MODELS)
def test_a_module_imports_with_its_weights_and_parameter_count(name, tmp_path, capsys):
    out = tmp_path / "net.playground"
    torch.manual_seed(0)  # the command builds the class as _reference does
    code, text, err = _cli(
        capsys,
        "import",
        f"{HERE / 'import_models.py'}:{name}",
        "--input-shape",
        "1,28,28",
        "-o",
        str(out),
        "--json",
    )
    assert code == 0, err
    assert json.loads(text)["graph"] == (name != "Plain")
    reference = _reference(name)
    code, text, _ = _cli(capsys, "summary", str(out), "--json")
    summary = json.loads(text)
    assert summary["total_params"] == sum(p.numel() for p in reference.parameters())
    model = load_project(out).build_trained_model().eval()
    x = torch.randn(4, 1, 28, 28)
    torch.testing.assert_close(model(x), reference(x))


@pytest.mark.parametrize("name", MODELS)
def test_the_same_model_saved_as_onnx_imports_too(name, tmp_path, capsys):
    from playground.core.io.export import _onnx

    reference = _reference(name)
    for bn in (m for m in reference.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_mean.uniform_(-1, 1)  # statistics that matter, folded or not
        bn.running_var.uniform_(0.5, 2)
    onnx_file = tmp_path / "net.onnx"
    _onnx(reference, torch.zeros(1, 1, 28, 28), onnx_file, {})
    out = tmp_path / "net.playground"
    code, _, err = _cli(capsys, "import", str(onnx_file), "-o", str(out))
    assert code == 0, err
    model = load_project(out).build_trained_model().eval()
    x = torch.randn(4, 1, 28, 28)
    torch.testing.assert_close(model(x), reference(x), atol=1e-5, rtol=1e-4)


def test_what_has_no_card_is_refused_naming_the_call_and_where(tmp_path, capsys):
    code, _, err = _cli(
        capsys,
        "import",
        f"{HERE / 'import_models.py'}:Unmappable",
        "--input-shape",
        "1,28,28",
        "-o",
        str(tmp_path / "x.playground"),
    )
    assert code == 1
    assert err.strip() == (
        "playground: error: cumsum: cumsum() has no card in the catalog (at import_models.py:93)"
    )
    assert not (tmp_path / "x.playground").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nofile.py:Net", "--input-shape", "1,2,2"], "there is no file nofile.py"),
        (["import_models.py", "--input-shape", "1,2,2"], "name the module as FILE.py:CLASS"),
        (["{here}:Nothing", "--input-shape", "1,2,2"], "import_models.py has no nn.Module"),
        (["{here}:Plain"], "give the input shape of one sample"),
        (["{here}:Plain", "--input-shape", "0,x"], "--input-shape must be C,H,W"),
        (["{junk}"], "junk.onnx is not a readable ONNX model"),
    ],
)
def test_bad_imports_get_one_line(args, message, tmp_path, capsys):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00\xffnot onnx" * 100)
    here = HERE / "import_models.py"
    args = [a.format(here=here, junk=junk) for a in args]
    code, _, err = _cli(capsys, "import", *args, "-o", str(tmp_path / "x.playground"))
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1


def test_an_imported_graph_trains(tmp_path, capsys):
    """A residual network on 2-D points, through the same train command as any project."""
    from playground.core.model.spec import LayerSpec, NetworkSpec

    L = LayerSpec.make
    nodes = (
        L("Linear", out_features=8).wired("a", ["input"]),
        L("Tanh").wired("t", ["a"]),
        L("Linear", out_features=8).wired("b", ["t"]),
        L("Add").wired("skip", ["b", "a"]),
        L("Tanh").wired("t2", ["skip"]),
        L("Linear", out_features=2).wired("out", ["t2"]),
    )
    spec_file = tmp_path / "residual.json"
    NetworkSpec((2,), nodes, "out").save(spec_file)
    out = tmp_path / "trained.playground"
    code, text, err = _cli(
        capsys,
        "train",
        str(spec_file),
        "--dataset",
        "xor",
        "--epochs",
        "20",
        "--lr",
        "0.03",
        "-o",
        str(out),
        "--json",
    )
    assert code == 0, err
    assert json.loads(text)["val_accuracy"] > 0.8
    assert load_project(out).spec.is_graph
