import json

import pytest

from playground.core.errors import SpecError
from playground.core.model.presets import preset
from playground.core.model.spec import LayerSpec, NetworkSpec


def test_json_round_trip(tmp_path):
    spec = preset("lenet5", (1, 28, 28), 10)
    path = tmp_path / "net.json"
    spec.save(path)
    data = json.loads(path.read_text())
    assert data["format"] == "playground.network" and data["version"] == 1
    assert data["layers"][0] == {
        "type": "Conv2d",
        "out_channels": 6,
        "kernel_size": 5,
        "stride": 1,
        "padding": 2,
        "bias": True,
    }
    assert NetworkSpec.load(path) == spec


def test_conv_groups_are_saved_only_when_set():
    """Files from before Conv2d had groups read and write as they were."""
    plain, depthwise = LayerSpec.make("Conv2d"), LayerSpec.make("Conv2d", groups=16)
    assert plain.params["groups"] == 1 and "groups" not in plain.to_dict()
    assert depthwise.to_dict()["groups"] == 16
    graph = NetworkSpec((16, 8, 8), (depthwise.wired("dw", ["input"]),), "dw")
    assert graph.to_dict()["nodes"][0]["params"]["groups"] == 16
    assert NetworkSpec.from_dict(graph.to_dict()) == NetworkSpec((16, 8, 8), (depthwise,))


def test_missing_params_take_defaults():
    spec = NetworkSpec.from_dict(
        {
            "format": "playground.network",
            "version": 1,
            "input_shape": [4],
            "layers": [{"type": "Linear"}],
        }
    )
    assert spec.layers[0].params == {"out_features": 64, "bias": True}


def _doc(**over):
    base = {
        "format": "playground.network",
        "version": 1,
        "input_shape": [1, 28, 28],
        "layers": [{"type": "Flatten"}, {"type": "Linear", "out_features": 10}],
    }
    base.update(over)
    return base


@pytest.mark.parametrize(
    "doc,message",
    [
        (_doc(layers=[{"type": "Transformer"}]), "layer 1: unknown layer type 'Transformer'"),
        (_doc(layers=[{"type": "Linear", "out_features": 0}]), "out_features must be at least 1"),
        (_doc(layers=[{"type": "Linear", "out_features": 2.5}]), "must be a whole number"),
        (_doc(layers=[{"type": "Linear", "out_features": "ten"}]), "must be a number"),
        (_doc(layers=[{"type": "Dropout", "p": 1.5}]), "p must be at most 0.95"),
        (_doc(layers=[{"type": "Linear", "colour": 3}]), "Linear has no parameter 'colour'"),
        (_doc(layers=[{"type": "Linear", "bias": 1}]), "bias must be true or false"),
        (_doc(version=3), "newer Neural Playground"),
        (_doc(version="1"), "no valid version"),
        (_doc(format="keras"), "not a Neural Playground network"),
        (_doc(input_shape=[0, 3]), "input_shape must be"),
        (_doc(layers="Linear"), "layers must be a list"),
        (_doc(layers=[{"out_features": 3}]), "layer 1 has no type"),
        ([1, 2], "not a Neural Playground network"),
    ],
)
def test_bad_specs_are_rejected_clearly(doc, message):
    with pytest.raises(SpecError, match=None) as e:
        NetworkSpec.from_dict(doc)
    assert message in str(e.value)


def test_bad_files(tmp_path):
    (tmp_path / "a.json").write_text("{not json")
    (tmp_path / "b.json").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(SpecError, match="not valid JSON"):
        NetworkSpec.load(tmp_path / "a.json")
    with pytest.raises(SpecError, match=r"b\.json: the network file is not text"):
        NetworkSpec.load(tmp_path / "b.json")
    with pytest.raises(SpecError, match="cannot read"):
        NetworkSpec.load(tmp_path / "missing.json")


def test_with_param_validates():
    layer = LayerSpec.make("Conv2d")
    assert layer.with_param("kernel_size", 5).params["kernel_size"] == 5
    with pytest.raises(SpecError):
        layer.with_param("kernel_size", -1)


def test_edit_operations():
    a, b, c = (LayerSpec.make(t) for t in ("ReLU", "Tanh", "Sigmoid"))
    spec = NetworkSpec((2,), (a, b, c))
    assert spec.moved(0, 3).layers == (b, c, a)
    assert spec.moved(2, 0).layers == (c, a, b)
    assert spec.moved(0, 1).layers == (a, b, c)
    assert spec.removed(1).layers == (a, c)
    assert spec.inserted(1, c).layers == (a, c, b, c)
    lin = NetworkSpec((2,), (LayerSpec.make("Linear"),)).with_param(0, "out_features", 3)
    assert lin.layers[0].params["out_features"] == 3
