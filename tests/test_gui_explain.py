"""Why this answer, in the Classify view: four maps side by side, for any class clicked."""

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, drop_files, wait_for_tasks
from handwriting import photo_of_digit
from playground.core.io.project import Project, save_project
from playground.core.model.build import build_model
from playground.core.model.presets import preset
from playground.ui.widgets.probability_bars import ROW_H

METHODS = ("saliency", "gradcam", "ig", "occlusion")


def _open(qtbot, window, project, tmp_path) -> None:
    path = tmp_path / "net.playground"
    save_project(path, project)
    drop_files(window, [path])
    wait_for_tasks(qtbot, window)


def _classify(qtbot, window, tmp_path, digit: int):
    path = tmp_path / f"digit{digit}.png"
    photo_of_digit(digit, 3).save(path)
    drop_files(window, [path])
    wait_for_tasks(qtbot, window)  # the four maps are tasks, one after another
    return window.classify_view.why


def _maps(why) -> dict:
    return {m: why.tiles[m].picture.pixmap for m in METHODS}


def _click_row(bars, row: int) -> None:
    QTest.mouseClick(bars, LEFT, NO_MOD, QPoint(bars.width() // 2, 4 + row * ROW_H + ROW_H // 2))


def test_four_maps_for_the_top_class_then_for_a_clicked_bar(qtbot, window, digit_model, tmp_path):
    _open(qtbot, window, digit_model[1], tmp_path)
    why = _classify(qtbot, window, tmp_path, 7)
    assert why.isVisible()
    assert "Why “7”" in why.heading.text()
    first = _maps(why)
    assert all(p is not None and not p.isNull() for p in first.values()), why.captions()
    assert "last convolution layer" in why.captions()["gradcam"]

    bars = window.classify_view.bars
    second = bars.rows[1][0]
    _click_row(bars, 1)
    assert f"Why “{second}”" in why.heading.text()
    assert bars.selected == 1
    wait_for_tasks(qtbot, window)
    other = _maps(why)
    assert all(p is not None for p in other.values())
    # another class's maps: another picture for every gradient method
    changed = [m for m in METHODS if other[m].toImage() != first[m].toImage()]
    assert {"saliency", "gradcam", "ig"} <= set(changed), changed


def test_no_map_of_the_previous_photo_stays_beside_a_new_one(qtbot, window, digit_model, tmp_path):
    """A user saw the occlusion map of the previous image beside a new photo."""
    _open(qtbot, window, digit_model[1], tmp_path)
    why = _classify(qtbot, window, tmp_path, 7)
    before = _maps(why)
    assert all(p is not None for p in before.values())
    path = tmp_path / "digit3.png"
    photo_of_digit(3, 3).save(path)
    drop_files(window, [path])  # classified at once; its maps follow as tasks
    assert "Why “3”" in why.heading.text()
    assert all(why.tiles[m].picture.pixmap is None for m in METHODS), why.captions()
    wait_for_tasks(qtbot, window)
    after = _maps(why)
    assert all(after[m].toImage() != before[m].toImage() for m in METHODS)


def test_grad_cam_says_why_it_is_unavailable_for_a_network_without_convolutions(
    qtbot, window, digit_model, tmp_path
):
    cnn = digit_model[1]
    spec = preset("mlp", cnn.spec.input_shape, 10)
    weights = build_model(spec, 10).state_dict()  # untrained: any answer has its reasons
    mlp = Project(spec, cnn.dataset, cnn.config, cnn.class_names, cnn.preprocessing, weights)
    _open(qtbot, window, mlp, tmp_path)
    why = _classify(qtbot, window, tmp_path, 3)
    captions = why.captions()
    assert "needs a network with convolution layers" in captions["gradcam"]
    assert why.tiles["gradcam"].picture.pixmap is None
    assert why.tiles["gradcam"].picture.text == "Not available"
    for method in ("saliency", "ig", "occlusion"):
        assert why.tiles[method].picture.pixmap is not None, captions
