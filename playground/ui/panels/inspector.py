"""The inspector: edit the selected layer's parameters with fitting widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from playground.core.errors import SpecError
from playground.core.model.graph_edit import rename_block
from playground.core.model.layers import Param, layer_type
from playground.core.model.spec import card_name
from playground.ui.panels.activation_curve import ActivationCurve
from playground.ui.state.document import NetworkDocument
from playground.ui.widgets.spin_boxes import ClampingDoubleSpinBox, ClampingSpinBox


class LayerInspector(QWidget):
    def __init__(
        self,
        document: NetworkDocument,
        curve: ActivationCurve | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.doc = document
        self.curve = curve  # an activation layer's curve, under its parameters
        self.index = -1
        self.block = ""  # a folded block shown instead of a layer
        self._shown: tuple[int, str] | None = None
        self.editors: dict[str, QWidget] = {}
        self.title = QLabel()
        self.title.setObjectName("inspectorTitle")
        self.title.setWordWrap(True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("explanation")
        self.note = QLabel()  # what became of a value typed out of range
        self.note.setObjectName("explanation")
        self.note.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # In a narrow column a label goes above its field instead of squeezing it.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 4, 2, 4)  # the panel has its margins: the column is narrow
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        if curve is not None:  # above the words: seen at once in a short inspector
            layout.addWidget(curve)
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        document.changed.connect(self._refresh)
        document.lockedChanged.connect(self._refresh)
        self.show_layer(-1)

    def show_layer(self, index: int) -> None:
        self.index, self.block = index, ""
        self._refresh()

    def show_block(self, name: str) -> None:
        """A folded block's card: its name to edit, and what it holds."""
        self.index, self.block = -1, name
        self._refresh()

    def _refresh(self, *_: Any) -> None:
        layers = self.doc.spec.layers
        shown = (self.index, layers[self.index].type) if 0 <= self.index < len(layers) else None
        if self.curve is not None:
            params = layers[self.index].params if shown else {}
            name = card_name(self.doc.spec, self.index) if shown else ""
            self.curve.show_layer(name, shown[1] if shown else None, params)
        if shown is not None and shown == self._shown:
            self._update_values(layers[self.index].params)
            return
        self._shown = shown
        self.note.clear()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        if self.block and any(n.block == self.block for n in layers):
            self._show_block()
            return
        if not 0 <= self.index < len(layers):
            self.title.setText("No layer selected")
            self.explanation.setText(
                "Click a card in the network to see what the layer does and edit its "
                "parameters. Drag layers from the palette to add them; Delete removes the "
                "selected card."
            )
            return
        layer = layers[self.index]
        t = layer_type(layer.type)
        name = layer.id or f"Layer {self.index + 1}"  # a graph's node goes by its name
        self.title.setText(f"{name}: {layer.type}")
        self.explanation.setText(t.explanation)
        if not t.params:
            none = QLabel("No parameters to set.")
            none.setWordWrap(True)  # the column may be narrow
            self.form.addRow(none)
        for param in t.params:
            editor = self._editor(param, layer.params[param.name])
            self._name_zero(editor, param, layer.params)
            editor.setEnabled(not self.doc.locked)
            editor.setToolTip(param.help)
            self.editors[param.name] = editor
            self.form.addRow(param.name.replace("_", " ").capitalize(), editor)

    def _show_block(self) -> None:
        """The block's name in an editor (Enter renames it) and the layers folded in it."""
        members = [n for n in self.doc.spec.layers if n.block == self.block]
        self.title.setText(f"Block {self.block}")
        name = QLineEdit(self.block)
        name.setEnabled(not self.doc.locked)
        name.editingFinished.connect(lambda: self._rename_block(name.text().strip()))
        self.editors = {"name": name}
        self.form.addRow("Name", name)
        self.explanation.setText(
            f"{len(members)} layers folded into one card: "
            + ", ".join(f"{n.id} ({n.type})" for n in members)
            + ". Double-click the card to open it; Ctrl+Shift+G unfolds it for good."
        )

    def _rename_block(self, new: str) -> None:
        if new == self.block:
            return
        try:
            spec = rename_block(self.doc.spec, self.block, new)
        except SpecError as e:
            self.note.setText(str(e))
            return
        old, self.block = self.block, new
        self.doc.replace_layers(spec, f"Rename block {old} to {new}")

    def _update_values(self, values: dict[str, Any]) -> None:
        """Same layer still shown: refresh values in place so the focused editor keeps focus."""
        params = {p.name: p for p in layer_type(self.doc.spec.layers[self.index].type).params}
        for name, editor in self.editors.items():
            self._name_zero(editor, params[name], values)
            editor.blockSignals(True)
            if isinstance(editor, QCheckBox):
                editor.setChecked(values[name])
            else:
                editor.setValue(values[name])
            editor.setEnabled(not self.doc.locked)
            editor.blockSignals(False)

    def _editor(self, param: Param, value: Any) -> QWidget:
        if param.kind is bool:
            box = QCheckBox()
            box.setChecked(value)
            box.toggled.connect(lambda v, n=param.name: self._set(n, v))
            return box
        spin = ClampingSpinBox() if param.kind is int else ClampingDoubleSpinBox()
        spin.clamped.connect(self.note.setText)
        if isinstance(spin, QDoubleSpinBox):
            spin.setDecimals(3)
            spin.setSingleStep(0.05)
        spin.setRange(param.minimum, param.maximum)
        spin.setValue(value)
        spin.setKeyboardTracking(False)  # commit on Enter or focus loss, not every keystroke
        spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(lambda v, n=param.name: self._set(n, v))
        return spin

    @staticmethod
    def _name_zero(editor: QWidget, param: Param, values: dict[str, Any]) -> None:
        """Where 0 stands for another parameter's value, the editor shows that value."""
        if param.zero_is and isinstance(editor, QAbstractSpinBox):
            other = param.zero_is.replace("_", " ")
            editor.setSpecialValueText(f"{values[param.zero_is]} (= {other})")

    def _set(self, name: str, value: Any) -> None:
        try:
            self.doc.set_param(self.index, name, value)
        except SpecError:
            self._refresh()  # the widget's range already prevents this; restore what is valid
