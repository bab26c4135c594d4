"""The Projector tab: the plotted points are the core embedding's; hovering shows a sample, a
click classifies it; after training, a slider goes back to each epoch's weights."""

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, choose_in_combo, click_tab, drop_project, toy_mlp
from playground.core.inspect.embedding import embed
from playground.core.io.project import load_project
from playground.core.model.build import build_model


def _place(window, qtbot, method: str):
    view = window.views.projector
    choose_in_combo(view.method, method)
    with qtbot.waitSignal(view.projection.placed, timeout=120_000):
        QTest.mouseClick(view.place_button, LEFT)
    return view


def _plotted(view) -> np.ndarray:
    x, y = view.scatter.getData()
    return np.column_stack([x, y])


def _on_screen(view, i: int):
    """The viewport position of plotted point i."""
    x, y = _plotted(view)[i]
    scene = view.plot.getPlotItem().vb.mapViewToScene(QPointF(float(x), float(y)))
    return view.plot.mapFromScene(scene)


def _move_mouse(widget, pos) -> None:
    """A mouse move with no button held (QTest.mouseMove moves only the cursor offscreen)."""
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(pos)
    event = QMouseEvent(
        QMouseEvent.Type.MouseMove,
        local,
        widget.mapToGlobal(local),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        NO_MOD,
    )
    QApplication.sendEvent(widget, event)


def test_points_are_the_core_embedding(window, qtbot, lenet_project, tmp_path, mnist5k):
    project = load_project(lenet_project)
    drop_project(window, qtbot, project, tmp_path)
    click_tab(window, "Projector")
    view = _place(window, qtbot, "pca")
    expected = embed(project.build_trained_model(), mnist5k.x_val, mnist5k.y_val, "pca")
    assert np.allclose(_plotted(view), expected.xy, atol=1e-3)
    shown = view.embedding
    assert (shown.labels == expected.labels).all() and (shown.predicted == expected.predicted).all()
    assert "agrees with the label" in view.message.text()
    wrong = int(np.argmax(shown.misclassified))  # a red-ringed point: its sample, answered wrong
    at = _on_screen(view, wrong)
    _move_mouse(view.plot.viewport(), at)
    qtbot.waitUntil(lambda: view.thumb.pixmap() is not None and not view.thumb.pixmap().isNull())
    hovered = int(view.thumb_text.text().split()[1].rstrip(":"))  # "Sample N: …"
    assert (_on_screen(view, hovered) - at).manhattanLength() <= 10  # the point under the mouse
    QTest.mouseClick(view.plot.viewport(), LEFT, NO_MOD, at)
    qtbot.waitUntil(lambda: window.views.currentWidget() is window.views.classify)
    assert f"validation sample {hovered}" in window.views.classify.message.text()


def test_the_slider_goes_back_through_the_epochs(window, qtbot):
    toy_mlp(window, qtbot, "circle")
    window.training.epochs.setValue(3)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=120_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    click_tab(window, "Projector")
    view = window.views.projector
    assert view.epoch.maximum() == 3 and view.epoch_label.text() == "current weights"
    _place(window, qtbot, "pca")
    projection = view.projection
    with qtbot.waitSignal(projection.placed, timeout=60_000) as placed:
        view.epoch.setFocus()
        QTest.keyClick(view.epoch, Qt.Key.Key_Home)  # back to the first epoch
    assert placed.args[1] == 1 and view.epoch_label.text() == "after epoch 1"
    s, d = window.workspace.session, window.workspace.dataset
    model = build_model(s.spec, d.num_classes)
    model.load_state_dict(projection.snapshots[1])
    first = embed(model, d.x_val, d.y_val, "pca")
    assert np.allclose(_plotted(view), first.xy, atol=1e-3)
    assert view.pictures is None  # 2-D points: no thumbnails, but the classes still colour
