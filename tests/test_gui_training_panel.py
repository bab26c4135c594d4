"""The training panel on its own: it shows what it is given (settings, data set, PyTorch
loaded) and sends what a person edits as configEdited, reaching no workspace."""

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD
from playground.core.training.config import TrainConfig
from playground.ui.panels.training_panel import PanelParts, TrainingPanel
from playground.ui.state.workspace import Workspace


def test_the_panel_shows_what_it_is_given_and_sends_what_is_edited(qtbot, mnist5k):
    ws = Workspace()  # the owner of the parts; nothing of it is wired to the panel here
    parts = PanelParts(
        ws.session, ws.document, ws.transfer, ws.painting, lambda: "CPU", ws.restore_best
    )
    panel = TrainingPanel(parts)
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.train_button.isEnabled()
    assert panel.status.text() == "Loading PyTorch and the data set…"
    panel.set_ready(True)
    assert panel.status.text() == "Choose a data set to train on"
    panel.show_dataset(mnist5k)
    assert panel.dataset.currentText() == "MNIST 5k digits"
    assert panel.train_button.isEnabled() and panel.options.find_lr.isEnabled()
    panel.set_config(TrainConfig(epochs=7, lr=0.01, patience=2, augment="flip"))
    assert panel.epochs.value() == 7 and panel.options.patience.value() == 2
    assert panel.augment.summary.text() == "flip"

    edited = []
    panel.configEdited.connect(edited.append)
    lr = panel.lr.lineEdit()
    QTest.mouseDClick(lr, LEFT)
    QTest.keyClick(lr, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(lr, "0.03")
    QTest.keyClick(lr, Qt.Key.Key_Tab)
    assert edited[-1] == replace(TrainConfig(epochs=7, patience=2, augment="flip"), lr=0.03)
    QTest.mouseClick(panel.options.early, LEFT, NO_MOD, panel.options.early.rect().center())
    assert edited[-1].patience == 0 and edited[-1].lr == 0.01  # its own copy: not yet shown
    assert ws.config == TrainConfig(epochs=5)  # the panel reached no workspace
