"""The graph canvas driven by mouse and keys: a residual block wired by drags, its size error
and fix, training, and folding the block into one card and opening it again."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_gui_main_window import set_spin

from gui_helpers import LEFT, NO_MOD, FakeDragManager, deliver_drop
from playground.core.model.spec import LayerSpec, NetworkSpec

L = LayerSpec.make
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def drags(monkeypatch):
    return FakeDragManager(monkeypatch)


def small_cnn() -> NetworkSpec:
    return NetworkSpec(
        (1, 28, 28),
        (
            L("Conv2d", out_channels=8, kernel_size=3, padding=1),
            L("Conv2d", out_channels=16, kernel_size=3, padding=1, stride=2),
            L("ReLU"),
            L("Flatten"),
            L("Linear", out_features=10),
        ),
    )


def g_index(spec: NetworkSpec, node_id: str) -> int:
    return [n.id for n in spec.layers].index(node_id)


def at(canvas, scene_point: QPointF) -> QPoint:
    """Where scene_point is on the screen, scrolled into view first as a person would."""
    canvas.ensureVisible(scene_point.x() - 1, scene_point.y() - 1, 2, 2, 30, 30)
    return canvas.mapFromScene(scene_point)


def drag_wire(canvas, source: str, target: str, slot: int = 0, cancel: bool = False) -> None:
    """Press on source's output port, move, release on target's input slot (or press Escape
    over it first)."""
    start = at(canvas, canvas.cards[source].output_port())
    QTest.mousePress(canvas.viewport(), LEFT, NO_MOD, start)
    end = at(canvas, canvas.cards[target].input_port(slot))
    start = canvas.mapFromScene(canvas.cards[source].output_port())
    for f in (0.25, 0.5, 0.75, 1.0):
        QTest.mouseMove(canvas.viewport(), start + (end - start) * f)
    # the input it will land on is ringed (no wire is drawn while training locks the canvas)
    assert canvas.cards[target].hint_slot == (None if canvas.doc.locked else slot)
    if cancel:
        QTest.keyClick(canvas.viewport(), Qt.Key.Key_Escape)
    QTest.mouseRelease(canvas.viewport(), LEFT, NO_MOD, end)


def drop_from_palette(window, drags, type_name: str, target: QPoint) -> None:
    """Drag type_name out of the palette and let go over the canvas at target."""
    pal = window.palette_view
    item = pal.item_for(type_name)
    pal.scrollToItem(item)
    start = pal.visualItemRect(item).center()
    drags.target, drags.pos = window.canvas.viewport(), target
    QTest.mousePress(pal.viewport(), LEFT, NO_MOD, start)
    for dx in (4, 12, 24, 40):
        QTest.mouseMove(pal.viewport(), start + QPoint(dx, dx // 2))
    QTest.mouseRelease(pal.viewport(), LEFT, NO_MOD, start + QPoint(40, 20))


def click_card(canvas, unit: str, modifier=NO_MOD) -> None:
    r = canvas.cards[unit].sceneBoundingRect()
    QTest.mouseClick(canvas.viewport(), LEFT, modifier, at(canvas, r.center() + QPointF(0, 4)))


def double_click_card(canvas, unit: str) -> None:
    r = canvas.cards[unit].sceneBoundingRect()
    QTest.mouseDClick(canvas.viewport(), LEFT, NO_MOD, at(canvas, r.center()))


def test_a_residual_block_wired_by_mouse_trains_then_folds_and_opens(window, drags, qtbot):
    doc, canvas = window.workspace.document, window.canvas
    doc.replace_layers(small_cnn(), "A small CNN")
    QTest.mouseClick(window.network.mode_button, LEFT)
    assert window.network.showing_graph and doc.spec.is_graph
    assert [c.unit.lane for c in canvas.cards.values()] == [0] * 6  # a chain: one column
    # An Add dropped on empty canvas is a loose red card; Train says why it cannot start.
    below = canvas.scene().itemsBoundingRect().bottom() + 40
    drop_from_palette(window, drags, "Add", at(canvas, QPointF(130, below)))
    assert "Add has no input: drag a wire to it" in canvas.card_text("add")
    assert not window.training.train_button.isEnabled()
    # The branch: the strided conv into in1, the first conv (the shortcut) into in2, Add on.
    drag_wire(canvas, "conv2d_2", "add", 0)
    drag_wire(canvas, "conv2d", "add", 1)
    drag_wire(canvas, "add", "relu")
    add = doc.spec.layers[g_index(doc.spec, "add")]
    assert add.inputs == ("conv2d_2", "conv2d")
    fix = "in2 is 8×28×28 but in1 is 16×14×14: give the shortcut a 1×1 Conv2d with 16"
    assert fix in canvas.card_text("add") and canvas.cards["add"].card.error
    assert fix in window.training.status.text() and "✗" in canvas.footer
    # The fix: a Conv2d dropped on the shortcut's wire, set to 16 channels, 1×1, stride 2.
    shortcut = canvas.wire_between("conv2d", "add")
    drop_from_palette(window, drags, "Conv2d", at(canvas, shortcut.middle()))
    assert canvas.cards["conv2d_3"].unit.lane == 1  # the shortcut's own lane
    assert window.inspector.title.text() == "conv2d_3: Conv2d"
    for name, value in (("out_channels", 16), ("kernel_size", 1), ("stride", 2)):
        set_spin(window.inspector.editors[name], value)
    assert not canvas.cards["add"].card.error and "→ 16×14×14" in canvas.card_text("add")
    assert "✓ ready to train" in canvas.footer
    # Train one epoch with a real click; the canvas is locked meanwhile.
    set_spin(window.training.epochs, 1)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000) as run:
        QTest.mouseClick(window.training.train_button, LEFT)
        assert "Locked while training" in canvas._banner()
    assert run.args[0].status == "completed"
    assert window.curves.history.epochs[-1].val_accuracy > 0.3
    # Fold the block: click the cards with Ctrl, Ctrl+G; one card with its shape and weights.
    total = doc.report.total_params
    parts = ("conv2d_2", "conv2d_3", "add", "relu")
    click_card(canvas, parts[0])
    for unit in parts[1:]:
        click_card(canvas, unit, CTRL)
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_G, CTRL)
    assert "block" in canvas.cards and not set(parts) & set(canvas.cards)
    block_params = sum(i.param_count for i in doc.report.layers if doc.spec.layers[i.index].block)
    text = canvas.card_text("block")
    assert "▣ block" in text and "→ 16×14×14" in text and f"{block_params:,} params" in text
    assert doc.report.total_params == total and doc.report.ok
    # Its card selected, the inspector names the block: typing a name renames it.
    click_card(canvas, "block")
    assert window.inspector.title.text() == "Block block"
    name = window.inspector.editors["name"]
    name.setFocus()
    QTest.keyClick(name, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(name, "down")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert "▣ down · 4 layers" in canvas.card_text("down") and canvas.cards["down"].isSelected()
    assert window.inspector.title.text() == "Block down"
    # Double-click opens it in place: its cards inside a frame named after it.
    double_click_card(canvas, "down")
    assert set(parts) <= set(canvas.cards) and "down" in canvas.frames
    # Ctrl+Shift+G unfolds it for good; Ctrl+Z folds it again.
    click_card(canvas, "add")
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_G, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert not any(n.block for n in doc.spec.layers) and not canvas.frames
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert any(n.block for n in doc.spec.layers)


def test_wires_and_cards_are_deleted_and_undone_and_cycles_are_refused(window, drags):
    doc, canvas = window.workspace.document, window.canvas
    doc.replace_layers(small_cnn(), "A small CNN")
    QTest.mouseClick(window.network.mode_button, LEFT)
    before = doc.spec
    drag_wire(canvas, "relu", "conv2d_2")  # backwards: refused in one line
    assert doc.spec == before and "would make a cycle" in canvas.notice
    drag_wire(canvas, "conv2d", "linear", cancel=True)  # Escape lets go of it
    assert doc.spec == before and canvas.cards["linear"].hint_slot is None
    wire = canvas.wire_between("conv2d", "conv2d_2")
    QTest.mouseClick(canvas.viewport(), LEFT, NO_MOD, at(canvas, wire.middle()))
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_Delete)
    assert "Conv2d has no input" in canvas.card_text("conv2d_2")
    assert "not connected to the output" in canvas.card_text("conv2d")
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert doc.spec == before
    click_card(canvas, "relu")
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_Delete)
    assert "relu" not in canvas.cards and doc.report.ok  # the chain closes over the gap
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)
    # A layer dropped on a card branches from it: a second lane, loose until wired onward.
    drop_from_palette(
        window, drags, "Tanh", at(canvas, canvas.cards["conv2d"].sceneBoundingRect().center())
    )
    assert doc.spec.layers[g_index(doc.spec, "tanh")].inputs == ("conv2d",)
    assert canvas.cards["tanh"].unit.lane == 1
    assert "not connected to the output" in canvas.card_text("tanh")
    # Folded, Delete removes the block's layers together; undo brings them back.
    click_card(canvas, "tanh")
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_Delete)
    click_card(canvas, "flatten")
    click_card(canvas, "linear", CTRL)
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_G, CTRL)
    click_card(canvas, "block")
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_Delete)
    assert [n.type for n in doc.spec.layers] == ["Conv2d", "Conv2d", "ReLU"]
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)
    # A straight chain goes back to the stack with the button.
    QTest.mouseClick(window.network.mode_button, LEFT)
    assert not window.network.showing_graph and not doc.spec.is_graph
    assert [layer.type for layer in doc.spec.layers] == [x.type for x in small_cnn().layers]


def click_menu_entry(seen: list, text: str) -> None:
    """Click the entry starting with text in the open pop-up menu, noting all its entries."""
    menu = QApplication.activePopupWidget()
    seen.append([a.text() for a in menu.actions()])
    entry = next(a for a in menu.actions() if a.text().startswith(text))
    QTest.mouseClick(menu, LEFT, NO_MOD, menu.actionGeometry(entry).center())


def test_a_residual_card_opens_into_its_layers_on_double_click(window, qtbot):
    doc, canvas = window.workspace.document, window.canvas
    spec = NetworkSpec(
        (1, 28, 28),
        (
            L("Conv2d", out_channels=8, kernel_size=3, padding=1),
            L("Residual", out_channels=16, stride=2),
            L("GlobalAvgPool2d"),
            L("Linear", out_features=10),
        ),
    )
    doc.replace_layers(spec, "ResNet-ish")
    total = doc.report.total_params
    QTest.mouseClick(window.network.mode_button, LEFT)
    double_click_card(canvas, "residual")
    assert "residual_project" in canvas.cards and "residual_block" in canvas.frames
    assert doc.report.total_params == total and doc.report.ok
    assert "→ 16×14×14" in canvas.card_text("residual")
    # the frame's name folds it back into one card
    header = canvas.frames["residual_block"].header()
    QTest.mouseDClick(canvas.viewport(), LEFT, NO_MOD, at(canvas, header.center()))
    assert "residual_block" in canvas.cards and "residual_project" not in canvas.cards
    # its card's menu (right click) unfolds it for good
    seen = []
    QTimer.singleShot(50, lambda: click_menu_entry(seen, "Unfold residual_block"))
    r = canvas.cards["residual_block"].sceneBoundingRect()
    pos = at(canvas, r.center())
    # the event a desktop sends on a right click (the offscreen platform sends none)
    menu_event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, canvas.viewport().mapToGlobal(pos)
    )
    QApplication.sendEvent(canvas.viewport(), menu_event)
    qtbot.waitUntil(lambda: bool(seen))
    assert "Open block" in seen[0] and "Delete\tDel" in seen[0]
    assert not any(n.block for n in doc.spec.layers) and "residual_project" in canvas.cards
    # Ctrl+wheel zooms out to see a big graph whole
    before = canvas.transform().m11()
    centre = canvas.viewport().rect().center()
    wheel = QWheelEvent(
        QPointF(centre),
        QPointF(canvas.mapToGlobal(centre)),
        QPoint(),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        CTRL,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.transform().m11() == pytest.approx(before / 1.15)


def test_an_mbconv_card_opens_into_its_layers_on_double_click(window):
    doc, canvas = window.workspace.document, window.canvas
    spec = NetworkSpec(
        (1, 28, 28),
        (
            L("Conv2d", out_channels=8, kernel_size=3, padding=1),
            L("MBConv", out_channels=8, expansion=4, se_ratio=0.25),
            L("GlobalAvgPool2d"),
            L("Linear", out_features=10),
        ),
    )
    doc.replace_layers(spec, "MobileNet-ish")
    total = doc.report.total_params
    QTest.mouseClick(window.network.mode_button, LEFT)
    double_click_card(canvas, "mbconv")
    assert "mbconv_block" in canvas.frames and doc.report.ok
    assert doc.report.total_params == total
    # the depthwise convolution filters each of the 32 channels on its own
    assert "32 groups" in canvas.card_text("mbconv_depthwise")
    assert "→ 32×1×1" in canvas.card_text("mbconv_se_gate")
    assert "mbconv_se_scale" in canvas.cards and "mbconv_expand" in canvas.cards
    # the block ends where the card ended: the skip's Add keeps its name and shape
    assert "Add" in canvas.card_text("mbconv") and "→ 8×28×28" in canvas.card_text("mbconv")


def test_edits_are_refused_while_locked(window):
    doc, canvas = window.workspace.document, window.canvas
    doc.replace_layers(small_cnn(), "A small CNN")
    QTest.mouseClick(window.network.mode_button, LEFT)
    doc.set_locked(True)
    before = doc.spec
    drag_wire(canvas, "conv2d", "linear")
    pos = at(canvas, canvas.wire_between("relu", "flatten").middle())
    from PySide6.QtCore import QMimeData

    mime = QMimeData()
    mime.setData("application/x-playground-layer", b"ReLU")
    assert deliver_drop(canvas.viewport(), pos, mime) == Qt.DropAction.IgnoreAction
    assert doc.spec == before and not window.network.mode_button.isEnabled()
    doc.set_locked(False)
