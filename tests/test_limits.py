"""Every boundary refuses bad input with one clear PlaygroundError, before allocating for it."""

import json

import pytest

from playground.core.config import TrainConfig
from playground.core.errors import PlaygroundError, SpecError
from playground.core.limits import MAX_JSON_DEPTH, json_depth, parse_json
from playground.core.spec import NetworkSpec


def _spec_text(layers, input_shape=(2,)):
    return json.dumps(
        {
            "format": "playground.network",
            "version": 1,
            "input_shape": list(input_shape),
            "layers": layers,
        }
    )


@pytest.mark.parametrize(
    "text,message",
    [
        (_spec_text([{"type": "Linear", "out_features": 7}]).replace("7", "1e400"), "too large"),
        (_spec_text([{"type": "Linear", "out_features": 10**30}]), "at most 65536"),
        (_spec_text([{"type": "Linear", "out_features": -(10**30)}]), "at least 1"),
        (
            _spec_text([{"type": "Linear", "out_features": float("inf")}]),
            "Infinity is not a number JSON allows",
        ),
        (_spec_text([{"type": "Dropout", "p": float("nan")}]), "NaN is not a number"),
        (_spec_text([{"type": "Linear", "out_features": 7}]).replace("7", "9" * 5000), "not valid"),
        ("[" * 100_000 + "]" * 100_000, f"nests deeper than {MAX_JSON_DEPTH}"),
        ('{"a": ' * 40 + "1" + "}" * 40, f"nests deeper than {MAX_JSON_DEPTH}"),
        (_spec_text([], input_shape=(3, 100_000, 100_000)), "use smaller images"),
        (_spec_text([{"type": "ReLU"}] * 5000), "more than 1,000"),
    ],
)
def test_spec_text_refused_clearly(text, message):
    with pytest.raises(SpecError) as e:
        NetworkSpec.from_json(text)
    assert message in str(e.value)


def test_nan_parameter_refused_even_from_python():
    from playground.core.spec import LayerSpec

    for bad in (float("nan"), float("inf")):
        with pytest.raises(SpecError, match="negative_slope must be a finite number"):
            LayerSpec.make("LeakyReLU", negative_slope=bad)


def test_spec_file_too_large_names_the_file(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (5 << 20))
    with pytest.raises(SpecError, match=r"big\.json is larger than 4 MB"):
        NetworkSpec.load(path)
    path.write_text(_spec_text([{"type": "Dropout", "p": 3}]))
    with pytest.raises(SpecError, match=r"big\.json: layer 1: Dropout: p must be at most"):
        NetworkSpec.load(path)


def test_json_depth():
    assert json_depth(1) == 0 and json_depth([]) == 1 and json_depth({"a": [[1]]}) == 3
    assert parse_json(b'{"a": [1.5]}', "x") == {"a": [1.5]}


@pytest.mark.parametrize(
    "settings,message",
    [
        ({"weight_decay": float("nan")}, "weight decay must be a finite number"),
        ({"lr": float("inf")}, "learning rate must be a finite number"),
        ({"seed": 2**64}, "seed must be from 0 to"),
        ({"seed": -1}, "seed must be from 0 to"),
        ({"epochs": 1e400}, "epochs must be a finite number"),
        ({"batch_size": 2.5}, "batch size must be a whole number"),
        ({"momentum": 1.0}, "momentum must be from 0 to 0.999"),
        ({"lr": "fast"}, "learning rate must be a number"),
    ],
)
def test_training_settings_refused_clearly(settings, message):
    with pytest.raises(PlaygroundError, match=message):
        TrainConfig(**settings)
    with pytest.raises(PlaygroundError, match=message):
        TrainConfig.from_dict(settings)


def test_training_settings_from_a_file_are_normalised():
    config = TrainConfig.from_dict({"batch_size": 32.0, "epochs": 3, "seed": 2**63 - 1})
    assert config.batch_size == 32 and isinstance(config.batch_size, int)
    with pytest.raises(PlaygroundError, match="optimizer must be text"):
        TrainConfig.from_dict({"optimizer": ["adam"]})
