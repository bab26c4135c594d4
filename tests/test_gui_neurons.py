import re

import numpy as np
import torch
from PySide6.QtTest import QTest
from test_gui_views import click_tab, train

from gui_helpers import LEFT, NO_MOD, choose_in_combo
from playground.core.data.dataset import point_inputs
from playground.core.inspect.probes import boundary_grid
from playground.core.numbers import number
from playground.core.training.events import BOUNDARY_EXTENT, NEURON_RESOLUTION
from playground.ui.views.neuron_layout import distance_to_line
from playground.ui.views.neurons_view import NEAR_PX


def hover(widget, point) -> None:
    QTest.mouseMove(widget, point.toPoint())


def clear_point(view, link):
    """A point on link that no other link passes near (where a person would point at it)."""
    a, b = link.line
    others = [x for links in view.links for x in links if x is not link]
    for t in np.linspace(0.2, 0.8, 13):
        p = a + (b - a) * float(t)
        if all(distance_to_line(p, x.line) > 2 * NEAR_PX for x in others):
            return p
    raise AssertionError("every point of the link is crossed by another")


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

    link = view.links[1][0]  # the strongest link into the first hidden layer
    hover(canvas, clear_point(view, link))
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


def test_neurons_on_digits_show_weight_templates_and_page(window, qtbot):
    window.workspace.apply_preset("mlp")
    click_tab(window, "Neurons")
    train(window, qtbot, 1)
    view, canvas = window.views.neurons, window.views.neurons.canvas
    assert [c.name for c in view.columns] == ["2 Linear", "4 Linear", "6 Linear"]
    w = window.workspace.session.weights["1.weight"].numpy()
    column = view.columns[0]
    page = len(column.tiles)
    assert column.count == 128 and page < 128 and column.back is not None
    for i in column.shown:
        assert np.array_equal(view.tiles[("2 Linear", i)].values, w[i].reshape(28, 28))
    # What is drawn at a tile's centre is that tile's picture
    shot = canvas.grab().toImage()
    rect = column.tiles[0]
    tile = view.tiles[("2 Linear", 0)].pixmap.toImage()
    half = int(rect.width()) // 2
    drawn = shot.pixelColor(int(rect.left()) + half, int(rect.top()) + half)
    assert drawn == tile.pixelColor(half, half)

    QTest.mouseClick(canvas, LEFT, NO_MOD, view.columns[0].forward.center().toPoint())
    column = view.columns[0]
    assert column.first == page
    assert np.array_equal(view.tiles[("2 Linear", page)].values, w[page].reshape(28, 28))
    link = view.links[1][0]  # strongest link from the page shown into the next layer
    assert link.source >= page
    hover(canvas, clear_point(view, link))
    w2 = window.workspace.session.weights["3.weight"].numpy()
    # the line names the link under the pointer and its weight, as PyTorch holds it
    named = re.search(r"neuron (\d+) of 2 Linear to neuron (\d+) of 4 Linear", view.hover.text())
    assert named, view.hover.text()
    source, target = int(named[1]) - 1, int(named[2]) - 1
    assert source >= page
    assert shown_number(view.hover) == float(number(w2[target, source]))
