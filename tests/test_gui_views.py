import math

import numpy as np
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, choose_in_combo, click_tab, wait_for_views
from playground.bench.gui import open_all_views
from playground.ui.views.feature_maps_view import FeatureMapsView
from playground.ui.views.filters_view import FiltersView
from playground.ui.views.gradients_view import GradientsView
from playground.ui.views.weights_view import WeightsView, as_matrix
from playground.ui.widgets.redraw import scheduler


def train(window, qtbot, epochs):
    window.training.epochs.setValue(epochs)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    wait_for_views(qtbot)


def test_weights_heatmap_shows_the_layers_weights(window, qtbot):
    click_tab(window, "Weights")
    train(window, qtbot, 1)
    view = window.views.weights
    assert view.layer.currentText() == "1 Conv2d"
    weights = {k: v.numpy() for k, v in window.workspace.session.weights.items()}
    assert np.allclose(view.heatmap.image, as_matrix(weights["0.weight"]))
    view.layer.setCurrentText("11 Linear")
    qtbot.wait(50)
    assert np.allclose(view.heatmap.image, weights["10.weight"])
    assert np.allclose(view.bias_image.image[:, 0], weights["10.bias"])
    assert view.bars.opts["height"].sum() == weights["10.weight"].size


def test_confusion_matrix_and_its_cells(window, qtbot):
    click_tab(window, "Confusion")
    train(window, qtbot, 1)
    view = window.views.confusion
    assert view.matrix.sum() == len(window.workspace.dataset.x_val)
    table = view.table
    r, c = np.unravel_index(
        np.argmax(view.matrix - np.diag(np.diag(view.matrix))), view.matrix.shape
    )
    rect = table.visualItemRect(table.item(r, c))
    QTest.mouseClick(table.viewport(), LEFT, NO_MOD, rect.center())
    expected = int(view.matrix[r, c])
    assert view.examples.count() == expected > 0
    truth, predicted = window.workspace.dataset.y_val.numpy(), view.latest.predicted
    listed = [int(view.examples.item(i).text().split(":")[0][1:]) for i in range(expected)]
    assert all(truth[i] == r and predicted[i] == c for i in listed)
    assert set(listed) == set(np.nonzero((truth == r) & (predicted == c))[0].tolist())


def test_hidden_views_do_no_work(window, qtbot):
    click_tab(window, "Curves")
    train(window, qtbot, 2)
    views = window.views
    for view in (
        views.weights,
        views.filters,
        views.confusion,
        views.gradients,
        views.feature_maps,
        views.boundary,
    ):
        assert view.renders == 0, type(view).__name__
    assert not window.workspace.session.probes.any
    click_tab(window, "Filters")
    wait_for_views(qtbot)
    assert views.filters.renders >= 1
    assert views.filters.image.image is not None


def test_feature_maps_and_gradients(window, qtbot):
    click_tab(window, "Feature maps")
    assert window.workspace.session.probes.sample is not None
    train(window, qtbot, 1)
    names = [name for name, _ in window.views.feature_maps.layers]
    assert names == ["1 Conv2d", "3 MaxPool2d", "4 Conv2d", "6 MaxPool2d"]
    assert window.views.feature_maps.layers[0][1].shape == (16, 28, 28)
    click_tab(window, "Gradients")
    wait_for_views(qtbot)
    assert set(window.views.gradients.curves) == {"1 Conv2d", "4 Conv2d", "8 Linear", "11 Linear"}


def test_decision_boundary_on_spiral(window, qtbot):
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, "xor")
    window.workspace.apply_preset("mlp")
    click_tab(window, "Boundary")
    probes = window.workspace.session.probes
    assert probes.boundary and probes.sample is None and not probes.neurons
    window.training.lr.setValue(0.01)
    train(window, qtbot, 20)
    picture = window.views.boundary.picture
    assert picture.shape == (80, 80, 3)
    # xor: opposite quadrants share a class, neighbouring quadrants differ
    q = [picture[60, 60], picture[20, 20], picture[20, 60], picture[60, 20]]
    assert np.allclose(q[0], q[1], atol=0.25) and not np.allclose(q[0], q[2], atol=0.25)
    assert len(window.views.boundary.train_points.data) == len(window.workspace.dataset.x_train)


def test_save_view_png(window, qtbot, tmp_path, monkeypatch):
    click_tab(window, "Curves")
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(tmp_path / "curves"), ""),
    )
    window.findChild(type(window.menus.undo), "savePng").trigger()
    assert (tmp_path / "curves.png").stat().st_size > 1000


def test_curves_axis_spans_the_whole_run_and_stays_put(window, qtbot):
    click_tab(window, "Curves")
    window.training.epochs.setValue(2)
    steps_per_epoch = math.ceil(
        len(window.workspace.dataset.x_train) / window.training.config().batch_size
    )
    with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)
        qtbot.waitUntil(lambda: window.curves.train_loss.getData()[0] is not None, timeout=20_000)
        during = window.curves.loss_plot.plotItem.vb.viewRange()[0]
    wait_for_views(qtbot)
    loss_x, acc_x = (
        p.plotItem.vb.viewRange()[0] for p in (window.curves.loss_plot, window.curves.acc_plot)
    )
    assert loss_x == during  # the axis did not move while the curve grew
    assert 2 * steps_per_epoch <= loss_x[1] < 2.2 * steps_per_epoch
    assert acc_x[0] < 1 and 2 <= acc_x[1] < 2.2


def test_views_take_turns_to_draw(window, qtbot, monkeypatch):
    drawn = []
    for cls in (WeightsView, FiltersView, GradientsView, FeatureMapsView):
        render = cls.render
        monkeypatch.setattr(
            cls, "render", lambda self, v, r=render: (drawn.append(scheduler().ticks), r(self, v))
        )
    dashboard = open_all_views(window)
    window.workspace.session.want(sample=window.views.feature_maps.sample)
    train(window, qtbot, 1)
    dashboard.close()
    assert len(drawn) >= 4 and len(set(drawn)) == len(drawn)  # never two in one tick
