"""Regression in core: the toy sets plane, multigauss and sine, the task's losses and metrics
(R², MAE in the target's units) checked against scikit-learn's."""

import numpy as np
import pytest
import torch
from sklearn.metrics import mean_absolute_error, r2_score

from playground.core.data.ref import DatasetRef, bundled_shape
from playground.core.data.registry import load_dataset
from playground.core.data.toy import REGRESSION_TOYS, make_toy
from playground.core.errors import DatasetError
from playground.core.training.task import Classification, Regression, r2, task_for


@pytest.mark.parametrize("name", REGRESSION_TOYS)
def test_toy_regression_sets_are_numbers_standardised_on_the_training_part(name):
    d = load_dataset(DatasetRef(name, {"samples": 400}), seed=2)
    assert (d.input_shape, d.class_names) == bundled_shape(name)
    assert d.task == "regression" and d.num_classes == 1
    assert d.y_train.dtype == torch.float32
    assert abs(float(d.y_train.mean())) < 1e-4 and abs(float(d.y_train.std()) - 1) < 1e-3
    mean, std = d.preprocessing.target
    raw = torch.cat([d.y_train, d.y_val]) * std + mean
    assert float(raw.min()) > -1.6 and float(raw.max()) < 1.6


def test_the_shapes_of_the_regression_sets():
    pts, y = make_toy("plane", 500, 0.0, 0)
    assert np.allclose(y, (pts[:, 0] + pts[:, 1]) / 10, atol=1e-6)
    pts, y = make_toy("sine", 500, 0.0, 0)
    assert pts.shape == (500, 1) and np.allclose(y, np.sin(pts[:, 0]), atol=1e-6)
    pts, y = make_toy("multigauss", 2000, 0.0, 0)
    near = np.hypot(pts[:, 0] - 10 / 3, pts[:, 1] - 25 / 12) < 0.3  # the up bump at (4, 2.5)·5/6
    assert y[near].min() > 0.8
    assert set(np.sign(y[np.abs(y) > 0.5]).tolist()) == {-1.0, 1.0}


def test_sine_takes_no_input_features():
    with pytest.raises(DatasetError, match="takes no input features"):
        load_dataset(DatasetRef("sine", {"features": "x1,x1sq"}))


def test_regression_metrics_match_scikit_learn():
    g = torch.Generator().manual_seed(0)
    y = torch.randn(200, generator=g)
    out = (y + 0.3 * torch.randn(200, generator=g))[:, None]
    task = Regression("mse", mean=150.0, std=70.0)
    predicted = task.answers(out)
    truth = (y * 70 + 150).numpy()
    assert float(task.score(out, y)) == pytest.approx(
        r2_score(y.numpy(), out[:, 0].numpy()), abs=1e-5
    )
    assert task.error(predicted, y) == pytest.approx(
        mean_absolute_error(truth, predicted.numpy()), rel=1e-5
    )
    # R² is the same in standardised and in real units
    assert float(r2(predicted, torch.from_numpy(truth))) == pytest.approx(
        float(task.score(out, y)), abs=1e-5
    )
    assert float(r2(torch.zeros(5), torch.ones(5))) == 0.0  # a constant target


@pytest.mark.parametrize(("name", "expected"), [("mse", 0.25), ("mae", 0.5), ("huber", 0.125)])
def test_regression_losses(name, expected):
    out, y = torch.full((4, 1), 0.5), torch.zeros(4)
    assert float(Regression(name).loss(out, y)) == pytest.approx(expected)


def test_the_task_follows_the_data_set():
    plane = load_dataset(DatasetRef("plane", {"samples": 100}))
    task = task_for(plane.preprocessing, "huber")
    assert isinstance(task, Regression) and task.loss_name == "huber"
    assert task.mean == plane.preprocessing.target[0]
    assert isinstance(task_for(load_dataset("xor").preprocessing), Classification)
