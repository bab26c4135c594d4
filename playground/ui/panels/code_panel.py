"""View ▸ Code: the PyTorch module of the network being designed, rewritten after every edit,
with the same generator as the Python export; Copy puts it on the clipboard."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from playground.core.errors import PlaygroundError
from playground.core.model.efficientnet import BACKBONE
from playground.ui.state.document import NetworkDocument

REWRITE_MS = 250  # after the last edit: typing a number rewrites once, not per key


class CodePanel(QWidget):
    def __init__(self, document: NetworkDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.code = QPlainTextEdit(readOnly=True, objectName="code")
        self.code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.code.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.note = QLabel(wordWrap=True, objectName="codeNote")
        self.copy = QPushButton("Copy", objectName="copyCode")
        self.copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.code.toPlainText())
        )
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.copy)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.code, 1)
        self._timer = QTimer(self, singleShot=True, interval=REWRITE_MS)
        self._timer.timeout.connect(self.rewrite)
        document.changed.connect(self._timer.start)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.rewrite()

    def rewrite(self) -> None:
        """The code of the network as it is now (written only while the panel is shown)."""
        if not self.isVisible():
            return
        spec = self.document.spec
        if any(layer.type == BACKBONE for layer in spec.layers):
            return self._show("", f"{BACKBONE} is a pretrained card: export ONNX or TorchScript")
        try:
            from playground.core.io.codegen import network_code  # torch: loaded by now

            text = network_code(spec)
        except PlaygroundError as e:
            return self._show("", f"No code yet: {e}")
        self._show(text, "The network as a PyTorch module; the app's weights load into it.")

    def _show(self, text: str, note: str) -> None:
        self.code.setPlainText(text)
        self.note.setText(note)
        self.copy.setEnabled(bool(text))
