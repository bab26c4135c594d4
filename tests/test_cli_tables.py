"""`playground train mlp --dataset TABLE --target COLUMN --json` on scikit-learn's public tables,
in-process: accuracies close to its logistic regression on the same split."""

import json

import pytest
from public_tables import breast_cancer_tsv, diabetes_csv, iris_semicolon_csv, wine_csv
from sklearn.linear_model import LinearRegression, LogisticRegression

from playground.cli import main
from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset


def train_json(capsys, *args: str) -> dict:
    code = main(["train", "mlp", "--json", *args])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    return out


def logistic_accuracy(path, target: str) -> float:
    """scikit-learn's logistic regression on the split and standardisation training uses."""
    d = load_dataset(DatasetRef(str(path), {"target": target}))
    model = LogisticRegression(max_iter=2000).fit(d.x_train.numpy(), d.y_train.numpy())
    return model.score(d.x_val.numpy(), d.y_val.numpy())


@pytest.mark.parametrize(
    ("write", "target", "epochs"),
    [
        (iris_semicolon_csv, "species", 40),
        (wine_csv, "class", 30),
        (breast_cancer_tsv, "diagnosis", 10),
    ],
)
def test_tables_train_as_well_as_logistic_regression(tmp_path, capsys, write, target, epochs):
    path = write(tmp_path)
    out = train_json(
        capsys, "--dataset", str(path), "--target", target, "--epochs", str(epochs), "--lr", "0.01"
    )
    reference = logistic_accuracy(path, target)
    assert reference > 0.9
    assert out["val_accuracy"] >= reference - 0.05, (out["val_accuracy"], reference)


def test_diabetes_is_a_regression_reported_with_mae_and_r2(tmp_path, capsys):
    path = diabetes_csv(tmp_path)
    out = train_json(
        capsys,
        "--dataset",
        str(path),
        "--target",
        "progression",
        "--epochs",
        "20",
        "--lr",
        "0.0005",
    )
    assert "val_accuracy" not in out and out["val_loss"] > 0
    d = load_dataset(DatasetRef(str(path), {"target": "progression"}))
    assert d.task == "regression"
    mean, std = d.preprocessing.target
    linear = LinearRegression().fit(d.x_train.numpy(), d.y_train.numpy())
    predicted = linear.predict(d.x_val.numpy()) * std + mean
    reference_mae = float(abs(predicted - (d.y_val.numpy() * std + mean)).mean())
    reference_r2 = linear.score(d.x_val.numpy(), d.y_val.numpy())
    assert out["val_r2"] >= reference_r2 - 0.1, (out["val_r2"], reference_r2)
    assert out["val_mae"] <= reference_mae * 1.15, (out["val_mae"], reference_mae)


def test_sine_with_the_huber_loss(capsys):
    out = train_json(capsys, "--dataset", "sine", "--epochs", "15", "--loss", "huber")
    assert out["val_r2"] > 0.8 and out["val_mae"] < 0.25


def test_a_bad_table_fails_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,y\n1,2,0\n3,4\n5,6,1\n")
    code = main(["train", "mlp", "--json", "--dataset", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["error"] == (
        "bad.csv, line 3: 2 cells but the header has 3 columns: every row needs one cell per column"
    )
