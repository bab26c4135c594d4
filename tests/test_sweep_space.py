"""What a sweep varies: --param texts, their checks, and a trial's values applied."""

import pytest

from playground.core.errors import PlaygroundError
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.sweep_space import (
    Param,
    apply_values,
    candidates,
    check_params,
    parse_param,
)

MLP = preset("mlp", (2,), 2)  # 0 Linear 128, 1 ReLU, 2 Linear 64, 3 ReLU, 4 Linear 2


def test_ranges_and_choices_are_read():
    assert parse_param("lr=1e-4..1e-1:log") == Param("lr", 1e-4, 1e-1, log=True)
    assert parse_param("layers.0.out_features=8..64") == Param(
        "layers.0.out_features", 8, 64, whole=True
    )
    assert parse_param("optimizer=adam,sgd").choices == ("adam", "sgd")
    assert parse_param("batch-size=16,32").name == "batch_size"
    assert parse_param("batch_size=16,32").choices == (16, 32)


@pytest.mark.parametrize(
    "text, error",
    [
        ("lr", "NAME=LOW..HIGH"),
        ("lr=0.1..0.01", "lower to a higher"),
        ("lr=0..1:log", "above 0"),
        ("lr=a..b", "must be numbers"),
        ("lr=0.1..1:cube", ":log"),
        ("lr=nan..1", "lower to a higher"),
    ],
)
def test_bad_params_are_refused_in_one_line(text, error):
    with pytest.raises(PlaygroundError, match=error):
        parse_param(text)


def test_names_are_checked_against_the_settings_and_cards():
    check_params([parse_param("lr=0.1,0.2"), parse_param("layers.2.out_features=4..8")], MLP)
    for text, error in [
        ("device=cpu,cuda", "cannot vary 'device'"),
        ("layers.9.out_features=1..2", "layers 0 to 4"),
        ("layers.1.out_features=1..2", "ReLU has no 'out_features'"),
        ("layers.x=1..2", "layers.INDEX.NAME"),
    ]:
        with pytest.raises(PlaygroundError, match=error):
            check_params([parse_param(text)], MLP)
    with pytest.raises(PlaygroundError, match="once"):
        check_params([parse_param("lr=0.1,0.2"), parse_param("lr=0.3,0.4")], MLP)


def test_values_make_the_network_and_settings():
    spec, config = apply_values(
        {"lr": 0.05, "epochs": 3, "layers.2.out_features": 7}, MLP, TrainConfig()
    )
    assert spec.layers[2].params["out_features"] == 7
    assert (config.lr, config.epochs, config.batch_size) == (0.05, 3, TrainConfig().batch_size)
    with pytest.raises(PlaygroundError, match=r"layers\.2\.out_features=0"):
        apply_values({"layers.2.out_features": 0}, MLP, TrainConfig())


def test_grid_takes_the_ends_and_middle():
    assert parse_param("lr=1e-3..1e-1:log").grid() == pytest.approx([1e-3, 1e-2, 1e-1])
    assert parse_param("epochs=1..4").grid() == [1, 2, 4]  # the middle rounded, 2.5 → 2
    assert parse_param("optimizer=adam,sgd").grid() == ["adam", "sgd"]


def test_candidates_name_the_settings_and_the_hidden_cards():
    names = dict(candidates(MLP))
    assert names["lr"] == "1e-4..1e-1:log" and "optimizer" in names
    assert names["layers.0.out_features"] == "64..256" and "layers.2.out_features" in names
    assert "layers.4.out_features" not in names  # the last card's width is the classes
    for name, values in candidates(preset("small-cnn", (1, 28, 28), 10)):
        check_params([parse_param(f"{name}={values}")], preset("small-cnn", (1, 28, 28), 10))
