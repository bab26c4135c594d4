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


def test_a_graph_opens_as_its_nodes_with_their_inputs_and_trains(window, qtbot, tmp_path):
    from gui_helpers import drop_project
    from playground.core.data.ref import DatasetRef
    from playground.core.io.project import Project
    from playground.core.model.build import build_model
    from playground.core.model.spec import LayerSpec, NetworkSpec

    L = LayerSpec.make
    nodes = (
        L("Linear", out_features=8).wired("a", ["input"]),
        L("Tanh").wired("t", ["a"]),
        L("Linear", out_features=8).wired("b", ["t"]),
        L("Add").wired("skip", ["b", "a"]),
        L("Linear", out_features=2).wired("out", ["skip"]),
    )
    spec = NetworkSpec((2,), nodes, "out")
    project = Project(spec, DatasetRef("xor"), weights=build_model(spec).state_dict())
    project.class_names = ["0", "1"]
    drop_project(window, qtbot, project, tmp_path)
    assert window.network.showing_graph  # drawn on the canvas, its wires into in1 and in2
    assert window.canvas.card_text("skip").startswith("skip  Add")
    assert [w.wire.slot for w in window.canvas.wires if w.wire.target == "skip"] == [0, 1]
    assert window.canvas.wire_between("a", "skip").wire.slot == 1
    QTest.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: window.workspace.session.state == "trained", timeout=60_000)
    assert "error" not in window.statusBar().currentMessage().lower()


def test_file_import_model_brings_a_module_in_as_a_graph(window, qtbot, monkeypatch):
    from pathlib import Path

    models = Path(__file__).parent / "import_models.py"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(models), "")
    )
    asked = []

    def choose(parent, title, label, items, current, editable):
        asked.append(list(items))
        return "SmallResNet", True

    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getItem", choose)
    click_menu(window, "File", "Import model…")
    qtbot.waitUntil(lambda: window.workspace.document.spec.is_graph, timeout=30_000)
    assert asked and "SmallResNet" in asked[0] and "Inception" in asked[0]
    assert window.canvas.card_text("stem").startswith("stem  Conv2d")
    assert window.canvas.wire_between("input", "stem")
    assert "5,114 parameters" in window.canvas.footer
