"""Pinned images: a sample and a dropped image pinned in the Classify tab; their bars follow the
training live and end on the trained network's answer."""

import numpy as np
from PIL import Image
from PySide6.QtTest import QTest

from gui_helpers import LEFT, click_tab, drop_files
from playground.core.inspect.inference import inference_model
from playground.core.inspect.probes import grid_probabilities


def test_pinned_images_follow_the_training(window, qtbot, tmp_path):
    ws, session = window.workspace, window.workspace.session
    window.findChild(type(window.menus.undo), "preset-perceptron").trigger()
    click_tab(window, "Classify")
    view = window.views.classify
    strip = view.pinned
    strip.sample.selectAll()
    QTest.keyClicks(strip.sample, "5")
    QTest.mouseClick(strip.pin_sample, LEFT)
    card = strip.cards[0]
    label = ws.dataset.class_names[int(ws.dataset.y_val[5])]
    assert card.isVisible() and card.title.text() == f"sample 5 ({label})"
    assert card.headline.text() == "train the network to see its answer"
    assert not strip.cards[1].isVisible() and not view.pin.isEnabled()
    seen = []
    strip.pins.changed.connect(lambda: seen.append(card.headline.text()))
    window.training.epochs.setValue(200)  # stopped below, once the answer has moved
    QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: card.headline.text().startswith(f"{label}: "), timeout=30_000)
    digit = ws.dataset.x_val[7, 0] * ws.dataset.preprocessing.std[0]
    picture = ((digit + ws.dataset.preprocessing.mean[0]).clamp(0, 1) * 255).byte().numpy()
    path = tmp_path / "digit.png"
    Image.fromarray(255 - picture).save(path)  # dark ink on light paper, as people draw
    drop_files(window, [path])
    assert view.pin.isEnabled()
    QTest.mouseClick(view.pin, LEFT)
    assert strip.cards[1].isVisible() and strip.cards[1].title.text() == "digit.png"
    # the answer moves while training runs (2 epochs ended before a second snapshot on CI)
    qtbot.waitUntil(lambda: len(set(seen)) >= 3, timeout=60_000)
    with qtbot.waitSignal(session.finished, timeout=60_000):
        QTest.mouseClick(window.training.stop_button, LEFT)
    qtbot.waitUntil(lambda: not ws.tasks.running, timeout=10_000)
    model = inference_model(session.spec, 10, session.weights)
    now = grid_probabilities(model, ws.dataset.x_val[5:6])[0]
    pin = strip.pins.pins[0]
    assert np.allclose(pin.now, now, atol=1e-6)
    expected = (
        f"{label}: {pin.first[int(ws.dataset.y_val[5])]:.0%} → {now[int(ws.dataset.y_val[5])]:.0%}"
    )
    assert card.headline.text() == expected.replace("%", " %")
    top = np.argsort(-now)[:3]
    assert [name for name, _ in card.bars.rows] == [ws.dataset.class_names[i] for i in top]
    assert np.allclose([p for _, p in card.bars.rows], now[top], atol=1e-6)
    QTest.mouseClick(strip.cards[0].unpin, LEFT)
    assert [p.title for p in strip.pins.pins] == ["digit.png"]
    assert strip.cards[0].title.text() == "digit.png" and not strip.cards[1].isVisible()


def test_a_fifth_pin_is_refused_with_one_line(window):
    click_tab(window, "Classify")
    strip = window.views.classify.pinned
    for _ in range(5):
        QTest.mouseClick(strip.pin_sample, LEFT)
    assert len(strip.pins.pins) == 4 and all(card.isVisible() for card in strip.cards)
    assert strip.note.isVisible()
    assert strip.note.text() == "4 images are pinned already: unpin one first."


def test_samples_to_pin_follow_the_data_set(window, qtbot):
    from test_gui_workspace import choose_dataset

    click_tab(window, "Classify")
    strip = window.views.classify.pinned
    QTest.mouseClick(strip.pin_sample, LEFT)
    assert strip.pin_sample.isEnabled() and len(strip.pins.pins) == 1
    assert strip.sample.maximum() == len(window.workspace.dataset.y_val) - 1
    choose_dataset(window, qtbot, "gauss")  # points: nothing to pin
    assert not strip.pin_sample.isEnabled() and not strip.sample.isEnabled()
    assert not strip.pins.pins and not strip.cards[0].isVisible()
