"""A plot saved from its context menu as PNG and SVG, with its legend and axis labels."""

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from test_gui_workspace import choose_dataset, click_tab, menu_action, train

from gui_helpers import LEFT, NO_MOD


def _save_from_menu(qtbot, plot_widget, text: str) -> None:
    """Right-click the plot, then click the menu entry called text."""
    centre = plot_widget.viewport().rect().center()
    QTest.mouseClick(plot_widget.viewport(), Qt.MouseButton.RightButton, NO_MOD, centre)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    action = next(a for a in menu.actions() if a.text() == text)
    QTest.mouseClick(menu, LEFT, NO_MOD, menu.actionGeometry(action).center())


@pytest.mark.parametrize("fmt", ["PNG", "SVG"])
def test_curves_plot_saves_with_legend_and_labels(window, qtbot, tmp_path, monkeypatch, fmt):
    choose_dataset(window, qtbot, "gauss")
    menu_action(window, "preset-mlp").trigger()
    train(window, qtbot, epochs=2)
    click_tab(window, "Curves")
    offered = []

    def ask(parent, title, start, filter_):
        offered.append(start)
        return str(tmp_path / "loss"), filter_

    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", ask)
    _save_from_menu(qtbot, window.curves.loss_plot, f"Save plot as {fmt}…")
    assert offered[0].endswith(f"loss-cost-function.{fmt.lower()}")
    path = tmp_path / f"loss.{fmt.lower()}"
    if fmt == "PNG":
        with Image.open(path) as img:
            assert img.width == 1600 and img.height > 300
            colours = img.convert("RGB").getcolors(1_000_000)
        assert len(colours) > 20  # lines, labels and legend, not a blank picture
    else:
        svg = path.read_text(encoding="utf-8")
        for text in ("Loss (cost function)", "cross-entropy", "step", "training", "validation"):
            assert text in svg, text
