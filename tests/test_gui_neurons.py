import re

import numpy as np
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_gui_views import click_tab, train

from gui_helpers import LEFT, NO_MOD, choose_in_combo
from playground.core.data.dataset import point_inputs
from playground.core.inspect.probes import boundary_grid
from playground.core.numbers import number
from playground.core.training.events import BOUNDARY_EXTENT, NEURON_RESOLUTION
from playground.ui.views.neuron_layout import distance_to_line


def hover(widget, point) -> None:
    QTest.mouseMove(widget, point.toPoint())


def clear_point(view, links):
    """The strongest of links with a point that no tile covers and no other link passes
    through (the line under the pointer is the nearest: the one named), and that point."""
    others = [x for column in view.links for x in column]
    tiles = [r.adjusted(-2, -2, 2, 2) for c in view.columns for r in c.tiles]
    for link in links:
        a, b = link.line
        for t in np.linspace(0.2, 0.8, 25):
            p = a + (b - a) * float(t)
            near = (distance_to_line(p, x.line) <= 2 for x in others if x is not link)
            if not any(near) and not any(r.contains(p) for r in tiles):
                return link, p
    raise AssertionError("every point of the links is on another or under a tile")


def shown_number(label) -> float:
    return float(re.findall(r"[-+]\d+\.\d+", label.text())[-1])


def test_neurons_on_2d_data_show_outputs_over_the_plane(window, qtbot):
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, "xor")
    window.workspace.apply_preset("mlp")
    click_tab(window, "Neurons")
    assert window.workspace.session.probes.neurons
    train(window, qtbot, 3)
    view, canvas = window.views.neurons, window.views.neurons.canvas
    assert [c.name for c in view.columns] == ["input", "1 Linear", "3 Linear", "5 Linear"]
    names = window.workspace.dataset.class_names
    assert view.names(view.columns[-1]) == names  # output tiles named by their classes
    assert view.names(view.columns[1]) == []
    hover(canvas, view.columns[-1].tiles[1].center())
    assert view.hover.text().endswith(f"(class {names[1]})")
    w = {k: v.numpy() for k, v in window.workspace.session.weights.items()}

    link, point = clear_point(view, view.links[1])  # a strong link into the first hidden layer
    hover(canvas, point)
    assert shown_number(view.hover) == float(number(w["0.weight"][link.target, link.source]))
    assert "Weight from input" in view.hover.text()

    column = view.columns[1]
    i = column.first + 2
    hover(canvas, column.tiles[2].center())
    assert (
        f"bias {number(w['0.bias'][i], signed=True)}" in view.hover.text()
        and "ReLU" in view.hover.text()
    )
    # The tile is the neuron's output over the plane, y pointing up
    pre = window.workspace.dataset.preprocessing
    grid = torch.from_numpy(boundary_grid(BOUNDARY_EXTENT, NEURON_RESOLUTION))
    x = point_inputs(grid, pre).numpy()
    out = np.maximum(x @ w["0.weight"][i] + w["0.bias"][i], 0)
    expected = out.reshape(NEURON_RESOLUTION, NEURON_RESOLUTION)[::-1]
    assert np.allclose(view.tiles[("1 Linear", i)].values, expected, atol=1e-5)


def drawn_neurons(view) -> list[int]:
    """Per column, the neurons a person sees: tiles inside the canvas, apart from each other,
    each with its own picture painted at its centre."""
    canvas = view.canvas
    shot = canvas.grab().toImage()
    seen = []
    for column in view.columns:
        rects = column.tiles
        assert all(canvas.rect().contains(r.toRect()) for r in rects), column.name
        assert not any(a.intersects(b) for k, a in enumerate(rects) for b in rects[k + 1 :])
        drawn = 0
        for i, rect in zip(column.shown, rects, strict=True):
            tile = view.tiles[(column.name, i)].pixmap.toImage()
            half = int(rect.width()) // 2
            at = shot.pixelColor(int(rect.left()) + half, int(rect.top()) + half)
            drawn += at == tile.pixelColor(half, half)
        seen.append(drawn)
    return seen


def test_a_small_network_is_drawn_whole_at_1024_by_700(window, qtbot):
    """The digits MLP (128, 64 and 10 neurons) at the smallest window: every neuron is seen,
    no pager; the tiles of the first layer are its weights as 28×28 pictures."""
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    window.workspace.apply_preset("mlp")
    click_tab(window, "Neurons")
    train(window, qtbot, 1)
    view = window.views.neurons
    assert [(c.name, c.count) for c in view.columns] == [
        ("2 Linear", 128),
        ("4 Linear", 64),
        ("6 Linear", 10),
    ]
    assert drawn_neurons(view) == [128, 64, 10]
    assert all(c.back is None and c.forward is None for c in view.columns)
    assert view.columns[0].tiles[0].width() >= 8  # small, but a picture
    w = window.workspace.session.weights["1.weight"].numpy()
    assert np.array_equal(view.tiles[("2 Linear", 127)].values, w[127].reshape(28, 28))
    assert view.names(view.columns[-1]) == window.workspace.dataset.class_names


def test_only_a_layer_too_wide_to_draw_is_paged(window, qtbot):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    window.workspace.apply_preset("mlp")
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(1).center())
    neurons = window.inspector.editors["out_features"]
    QTest.keyClick(neurons, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(neurons, "1500")
    QTest.keyClick(neurons, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace.document.spec.layers[1].params["out_features"] == 1500)
    click_tab(window, "Neurons")
    train(window, qtbot, 1)
    view, canvas = window.views.neurons, window.views.neurons.canvas
    wide = view.columns[0]
    page = len(wide.tiles)
    assert wide.count == 1500 and 100 < page < 1500 and wide.forward is not None
    assert drawn_neurons(view) == [page, 64, 10]  # the narrow layers whole
    assert view.columns[1].back is None and view.columns[2].back is None

    QTest.mouseClick(canvas, LEFT, NO_MOD, wide.forward.center().toPoint())
    wide = view.columns[0]
    assert wide.first == page and drawn_neurons(view)[0] == len(wide.tiles)
    w = window.workspace.session.weights["1.weight"].numpy()
    assert np.array_equal(view.tiles[("2 Linear", page)].values, w[page].reshape(28, 28))
    pattern = r"neuron (\d+) of 2 Linear to neuron (\d+) of 4 Linear"

    def hover_a_link() -> bool:
        """Point at a clear point of a link from the page shown into the next layer (found
        again each time: a late redraw of the finished run may move the links)."""
        link, point = clear_point(view, view.links[1])
        assert link.source >= page
        hover(canvas, point)
        return re.search(pattern, view.hover.text()) is not None

    qtbot.waitUntil(hover_a_link, timeout=5_000)
    w2 = window.workspace.session.weights["3.weight"].numpy()
    # the line names the link under the pointer and its weight, as PyTorch holds it
    named = re.search(pattern, view.hover.text())
    source, target = int(named[1]) - 1, int(named[2]) - 1
    assert source >= page
    assert shown_number(view.hover) == float(number(w2[target, source]))


def test_neurons_opened_after_training_are_drawn_not_asked_for(window, qtbot):
    """The tab opened once the run is over: it says the trained network is being drawn (it
    said "Train the network" for seconds), then draws it."""
    window.workspace.apply_preset("mlp")
    train(window, qtbot, 1)
    click_tab(window, "Neurons")
    view = window.views.neurons
    assert "Train the network" not in view.note.text()
    qtbot.waitUntil(lambda: len(view.columns) == 3, timeout=30_000)
    assert view.note.text().startswith("Tiles: neurons")
