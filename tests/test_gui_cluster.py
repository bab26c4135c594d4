"""A project trained by torchrun on two processes opens in the window and classifies."""

from test_distributed import torchrun

from gui_helpers import drop_files, wait_for_tasks
from handwriting import photo_of_digit


def test_torchrun_project_opens_in_the_window_and_classifies(window, qtbot, tmp_path):
    out = tmp_path / "cluster.playground"
    r = torchrun(
        "train", "lenet5", "--dataset", "mnist5k", "--epochs", "1", "-o", str(out), cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr[-3000:]
    drop_files(window, [out])
    wait_for_tasks(qtbot, window)
    assert window.workspace.session.state == "trained"
    assert window.training.train_button.text() == "▶  Continue"
    photo = tmp_path / "seven.png"
    photo_of_digit(7, 3).save(photo)
    drop_files(window, [photo])
    rows = window.classify_view.bars.rows
    assert len(rows) == 5 and rows[0][0] == "7", rows
