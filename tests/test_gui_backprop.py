"""The backprop walk-through, driven as a person would: pick a sample, Walk through, Next and
Back; the numbers shown are the trainer's."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui_helpers import LEFT, open_backprop, toy_mlp
from playground.core.inspect.walkthrough import walk_through
from playground.core.numbers import number
from playground.ui.widgets.array_panel import as_image


def shown(panel):
    return [[float(v) for v in row] for row in panel.cell_texts()]


def test_walk_through_one_sample_forward_cost_backward_update(window, qtbot):
    toy_mlp(window, qtbot)
    ws, session = window.workspace, window.workspace.session
    with qtbot.waitSignal(session.stepMeasured, timeout=30_000):
        QTest.keyClick(window, Qt.Key.Key_F10)
    open_backprop(window)
    view = window.views.backprop
    view.sample.selectAll()
    QTest.keyClicks(view.sample, "3")
    QTest.keyClick(view.sample, Qt.Key.Key_Return)
    assert view.label.text() == f"class {ws.dataset.class_names[int(ws.dataset.y_val[3])]}"
    weights, state = session.resting_copy()  # what the paused trainer holds
    x, label = ws.dataset.x_val[3].numpy(), int(ws.dataset.y_val[3])
    expected = walk_through(
        session.spec, 2, weights, x, label, ws.config, ["blue", "orange"], state
    )
    QTest.mouseClick(view.start, LEFT)
    qtbot.waitUntil(lambda: view.counter.text() == f"1 / {len(expected.stages)}", timeout=10_000)
    assert not view.back.isEnabled()
    assert np.allclose(shown(view.panels[0]), x.reshape(-1, 1), rtol=1e-3, atol=1e-4)
    QTest.mouseClick(view.next, LEFT)  # forward: 1 Linear, 128 values: a heatmap
    assert view.title.text().startswith("Forward: 1 Linear")
    assert np.allclose(
        view.panels[0].heatmap.image, as_image(expected.activations[0][1]), equal_nan=True
    )
    for _ in range(4):
        QTest.mouseClick(view.next, LEFT)
    assert view.title.text().startswith("Forward: 5 Linear")
    assert np.allclose(
        shown(view.panels[0]), expected.activations[4][1].reshape(-1, 1), rtol=1e-3, atol=1e-4
    )
    QTest.mouseClick(view.next, LEFT)
    assert view.title.text().startswith("Probabilities and the cost")
    p = expected.probabilities
    assert f"−log {number(p[label])} = {number(expected.loss)}" in view.text.text()
    probs = view.panels[1]
    assert np.allclose(shown(probs), p.reshape(-1, 1), rtol=1e-3, atol=1e-4)
    assert [probs.table.verticalHeaderItem(i).text() for i in range(2)] == ["blue", "orange"]
    QTest.mouseClick(view.next, LEFT)
    assert view.title.text().startswith("Backward: 5 Linear")
    assert np.allclose(
        shown(view.panels[0]), (p - np.eye(2)[label]).reshape(-1, 1), rtol=1e-3, atol=1e-4
    )
    assert view.panels[1].title.text().startswith("∂cost/∂weight")
    QTest.mouseClick(view.back, LEFT)
    assert view.title.text().startswith("Probabilities and the cost")
    while view.next.isEnabled():
        QTest.mouseClick(view.next, LEFT)
    assert view.title.text().startswith("Update: 5 Linear")
    before, after = expected.updates["4.weight"]
    assert np.allclose(view.panels[2].heatmap.image, as_image(after))
    assert np.allclose(view.panels[1].heatmap.image, as_image(after - before))
    with qtbot.waitSignal(session.finished, timeout=30_000):
        QTest.mouseClick(window.training.stop_button, LEFT)


def test_walk_through_without_weights_says_what_to_do(window, qtbot):
    open_backprop(window)
    view = window.views.backprop
    QTest.mouseClick(view.start, LEFT)
    assert "press Step (F10)" in view.text.text()
    assert not view.next.isEnabled()
