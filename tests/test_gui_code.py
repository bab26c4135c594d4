"""View ▸ Code: the design as a PyTorch module, rewritten after each edit, and copied."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, click_menu


def test_the_code_follows_the_design_and_copies(window, qtbot):
    click_menu(window, "View", "Code: the network as a PyTorch module")
    panel = window.code_dock.widget()
    qtbot.waitUntil(lambda: "nn.Sequential(" in panel.code.toPlainText())
    code = panel.code.toPlainText()
    assert code.startswith("import torch\nfrom torch import nn\n")
    assert "nn.Conv2d(1, " in code and code.rstrip().endswith(")")
    lines_before = code.count("\n")
    # delete the first card with the keyboard, as a person would: the code loses its line
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(0).center())
    QTest.keyClick(window.stack, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: panel.code.toPlainText().count("\n") == lines_before - 1)
    QTest.mouseClick(panel.copy, LEFT)
    assert QGuiApplication.clipboard().text() == panel.code.toPlainText()
    scope: dict = {}
    exec(panel.code.toPlainText(), scope)  # what was copied runs
    assert sum(p.numel() for p in scope["build_model"]().parameters()) > 0
