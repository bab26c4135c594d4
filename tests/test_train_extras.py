"""`playground train`: runs added to the project, early stopping, TensorBoard logs."""

import json

import pytest
import torch

from playground.cli import main
from playground.core.data.registry import load_dataset
from playground.core.io.project import load_project

XOR = ["--dataset", "xor", "--samples", "200", "--batch-size", "32"]


def _train(capsys, *args):
    code = main(["train", "mlp", *XOR, "--json", *args])
    return code, json.loads(capsys.readouterr().out.splitlines()[-1])


def test_each_run_is_added_to_the_project(tmp_path, capsys):
    path = tmp_path / "xor.playground"
    code, first = _train(capsys, "--epochs", "2", "-o", str(path))
    assert code == 0 and first["runs"] == 1
    code, second = _train(capsys, "--epochs", "3", "--lr", "0.01", "-o", str(path))
    assert code == 0 and second["runs"] == 2
    code, further = _train(capsys, "--epochs", "1", "--keep-run-weights", "-o", str(path))
    assert further["runs"] == 3
    runs = load_project(path).runs
    assert [r.config.epochs for r in runs] == [2, 3, 1] and runs[1].config.lr == 0.01
    assert [len(r.history.epochs) for r in runs] == [2, 3, 1]
    assert all(r.status == "completed" and r.duration_s > 0 and r.device for r in runs)
    assert runs[1].final.val_loss == pytest.approx(second["val_loss"])
    assert runs[0].weights is None and runs[2].weights is not None
    assert main(["train", "mlp", *XOR, "--keep-run-weights"]) == 1
    assert "give -o too" in capsys.readouterr().err


def test_patience_and_restore_best(tmp_path, capsys):
    path = tmp_path / "best.playground"
    args = ["--noise", "0.5", "--epochs", "300", "--lr", "0.03", "--patience", "3"]
    code, out = _train(capsys, *args, "--restore-best", "-o", str(path))
    assert code == 0 and out["epochs"] < 300 and "Stopped early" in out["message"]
    assert out["restored_best"] and out["best_epoch"] == out["epochs"] - 3
    project = load_project(path)
    assert project.config.patience == 3
    data = load_dataset(project.dataset)
    model = project.build_trained_model().eval()
    with torch.no_grad():
        loss = torch.nn.functional.cross_entropy(model(data.x_val), data.y_val).item()
    assert loss == pytest.approx(out["best_val_loss"], rel=1e-4)
    assert project.runs[0].best.epoch == out["best_epoch"]


def test_tensorboard_logs_read_back_with_tensorboard(tmp_path, capsys):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logs = tmp_path / "logs"
    code, out = _train(capsys, "--epochs", "3", "--tensorboard", str(logs))
    assert code == 0
    events = EventAccumulator(str(logs))
    events.Reload()
    scalars = events.Tags()["scalars"]
    assert {"loss/train", "accuracy/train", "loss/validation", "accuracy/validation"} <= set(
        scalars
    )
    validation = events.Scalars("loss/validation")
    assert [v.step for v in validation] == [1, 2, 3]
    assert validation[-1].value == pytest.approx(out["val_loss"], rel=1e-5)
    assert len(events.Scalars("loss/train")) >= 3
    hparams = events.PluginTagToContent("hparams")
    assert "_hparams_/experiment" in hparams and "_hparams_/session_start_info" in hparams
