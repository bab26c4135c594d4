"""The views on a branching network drawn on the canvas: Step, feature maps of every node,
a pinned image, and Grad-CAM on a dropped photo."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_gui_canvas import small_cnn

from gui_helpers import LEFT, click_tab, drop_files, wait_for_tasks, wait_for_views
from handwriting import photo_of_digit
from playground.core.model import graph_edit as g
from playground.core.model.spec import NetworkSpec


def residual_cnn() -> NetworkSpec:
    """conv → [conv stride 2] + [1×1 conv stride 2] → Add → ReLU → Flatten → Linear."""
    spec, add = g.add_node(small_cnn(), "Add", ["conv2d_2", "conv2d"])
    spec = g.connect(spec, add, "relu")
    spec, short = g.insert_on_wire(spec, "conv2d", add, "Conv2d")
    index = g.node_index(spec, short)
    for name, value in (("out_channels", 16), ("kernel_size", 1), ("stride", 2)):
        spec = spec.with_param(index, name, value)
    return spec


def test_step_feature_maps_pins_and_grad_cam_on_a_graph(window, qtbot, tmp_path):
    ws, session = window.workspace, window.workspace.session
    ws.document.replace_layers(residual_cnn(), "A residual CNN")
    assert window.network.showing_graph and ws.document.report.ok
    # Step: one mini-batch, the weight changes of a node on the shortcut among the layers.
    click_tab(window, "Step")
    with qtbot.waitSignal(session.stepMeasured, timeout=30_000) as step:
        QTest.keyClick(window, Qt.Key.Key_F10)
    assert "conv2d_3 Conv2d" in step.args[0].weight_deltas
    qtbot.waitUntil(lambda: "Step 1 " in window.views.step.headline.text(), timeout=5000)
    with qtbot.waitSignal(session.finished, timeout=30_000):
        QTest.mouseClick(window.training.stop_button, LEFT)
    # A pinned sample, then one epoch; the feature maps are the nodes', by name.
    click_tab(window, "Classify")
    strip = window.views.classify.pinned
    strip.sample.selectAll()
    QTest.keyClicks(strip.sample, "5")
    QTest.mouseClick(strip.pin_sample, LEFT)
    click_tab(window, "Feature maps")
    window.training.epochs.setValue(1)
    with qtbot.waitSignal(session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)
    wait_for_views(qtbot)
    maps = dict(window.views.feature_maps.layers)
    assert list(maps) == ["conv2d Conv2d", "conv2d_2 Conv2d", "conv2d_3 Conv2d"]
    assert maps["conv2d_3 Conv2d"].shape == (16, 14, 14)  # the shortcut's own maps
    # at 1024×700 every layer's tiles keep a legible height: the maps scroll instead
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1024, 700))
    qtbot.wait(50)
    heights = [image.getViewBox().height() for image in window.views.feature_maps._images]
    assert min(heights) >= 80, heights
    label = ws.dataset.class_names[int(ws.dataset.y_val[5])]
    qtbot.waitUntil(lambda: strip.cards[0].headline.text().startswith(f"{label}: "), timeout=10_000)
    # Grad-CAM of a dropped photo looks at the last convolution.
    path = tmp_path / "seven.png"
    photo_of_digit(7, 3).save(path)
    drop_files(window, [path])
    wait_for_tasks(qtbot, window)
    why = window.classify_view.why
    assert why.tiles["gradcam"].picture.pixmap is not None, why.captions()
    assert "convolution" in why.captions()["gradcam"]
