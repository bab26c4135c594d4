"""The Network panel: a stack of cards, or the graph canvas once the network branches. A
button turns the stack into the same chain on the canvas (to draw a branch) and a straight
graph back into a stack."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from playground.core.model.graph_edit import as_graph
from playground.ui.panels.graph_canvas import GraphCanvas
from playground.ui.panels.stack_view import NetworkStackView
from playground.ui.state.document import NetworkDocument

GRAPH_HINT = "Drag ● to ○ to wire · drop layers on wires · Ctrl+G folds"


class NetworkPanel(QWidget):
    """Shows the stack view for a stack and the canvas for a graph; the selection of either
    goes out as one signal."""

    selectionChanged = Signal(int)
    blockSelected = Signal(str)
    problem = Signal(str)
    graphShown = Signal(bool)  # the canvas (True) or the stack (False) came to the front

    def __init__(self, document: NetworkDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.stack = NetworkStackView(document)
        self.canvas = GraphCanvas(document)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("stackScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.stack)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.scroll)
        self.pages.addWidget(self.canvas)
        self.mode_button = QPushButton()
        self.mode_button.setObjectName("graphMode")
        self.mode_button.clicked.connect(self.toggle_mode)
        self.hint = QLabel()
        self.hint.setObjectName("explanation")
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.hint, 1)
        row.addWidget(self.mode_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.pages, 1)
        self.stack.selectionChanged.connect(self.selectionChanged)
        self.canvas.selectionChanged.connect(self.selectionChanged)
        self.canvas.blockSelected.connect(self.blockSelected)
        self.canvas.problem.connect(self.problem)
        document.changed.connect(self._follow)
        document.lockedChanged.connect(lambda _: self._follow())
        self._follow()

    @property
    def showing_graph(self) -> bool:
        return self.pages.currentWidget() is self.canvas

    def _follow(self) -> None:
        """The page that fits the network, and what the button would do."""
        spec = self.doc.spec
        graph = spec.is_graph
        if graph != self.showing_graph:
            self.pages.setCurrentWidget(self.canvas if graph else self.scroll)
            self.selectionChanged.emit(-1)
            self.graphShown.emit(graph)
        straight = graph and not spec.as_stack_if_straight().is_graph
        self.mode_button.setText("As a stack" if graph else "Draw branches")
        self.mode_button.setEnabled(
            not self.doc.locked and (straight or not graph) and bool(spec.layers)
        )
        self.mode_button.setToolTip(
            "Show this chain as a plain stack of cards again"
            if straight
            else "The network branches (or has folded blocks): only a plain chain is a stack"
            if graph
            else "Show the network as a graph to draw branches and skip connections"
        )
        self.hint.setText(GRAPH_HINT if graph else "")
        self.hint.setVisible(graph)

    def toggle_mode(self) -> None:
        spec = self.doc.spec
        if self.doc.locked:  # the menu's item is there while training runs: said, not raised
            self.problem.emit("The network cannot change while training runs: stop it first")
        elif spec.is_graph and spec.as_stack_if_straight().is_graph:
            self.problem.emit(self.mode_button.toolTip())  # it branches: no stack to show
        elif spec.is_graph:
            self.doc.replace_layers(spec.as_stack_if_straight(), "Show as a stack")
        else:
            self.doc.replace_layers(as_graph(spec), "Draw branches")

    def select(self, index: int) -> None:
        (self.canvas if self.showing_graph else self.stack).select(index)

    def set_dataset_label(self, text: str) -> None:
        self.stack.set_dataset_label(text)
        self.canvas.set_dataset_label(text)
