"""The network being edited: the spec plus the data set's shape, with undoable edits."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from playground.core.errors import SpecError
from playground.core.model.layers import Shape
from playground.core.model.shapes import ShapeReport, infer_shapes
from playground.core.model.spec import LayerSpec, NetworkSpec


class NetworkDocument(QObject):
    """Every edit goes through the undo stack; views listen to `changed`."""

    changed = Signal()
    lockedChanged = Signal(bool)

    def __init__(self, spec: NetworkSpec, num_classes: int, parent: QObject | None = None):
        super().__init__(parent)
        self._spec = spec
        self._num_classes = num_classes
        self._report = infer_shapes(spec, num_classes)
        self._locked = False
        self.undo_stack = QUndoStack(self)

    @property
    def spec(self) -> NetworkSpec:
        return self._spec

    @property
    def report(self) -> ShapeReport:
        return self._report

    @property
    def num_classes(self) -> int:
        return self._num_classes

    @property
    def locked(self) -> bool:
        return self._locked

    def undo(self) -> None:
        if not self._locked:
            self.undo_stack.undo()

    def redo(self) -> None:
        if not self._locked:
            self.undo_stack.redo()

    def set_locked(self, locked: bool) -> None:
        if locked != self._locked:
            self._locked = locked
            self.lockedChanged.emit(locked)

    # --- edits (undoable) -------------------------------------------------------------
    def insert_layer(self, index: int, type_name: str) -> None:
        self._edit(self._spec.inserted(index, LayerSpec.make(type_name)), f"Add {type_name}")

    def remove_layer(self, index: int) -> None:
        name = self._spec.layers[index].type
        self._edit(self._spec.removed(index), f"Remove {name}")

    def move_layer(self, source: int, target: int) -> None:
        moved = self._spec.moved(source, target)
        if moved != self._spec:
            self._edit(moved, f"Move {self._spec.layers[source].type}")

    def set_param(self, index: int, name: str, value: Any) -> None:
        """Change one parameter; SpecError (nothing changed) if the value is not valid."""
        new = self._spec.with_param(index, name, value)
        if new != self._spec:
            text = f"Set {self._spec.layers[index].type} {name}"
            self._edit(new, text, merge_key=(index, name))

    def fit_output(self, num_classes: int) -> None:
        """Make the last Linear layer give one output per class (an undoable edit), so that a
        data set with other classes does not leave a red card to fix by hand."""
        layers = self._spec.layers
        last = next((i for i in reversed(range(len(layers))) if layers[i].type == "Linear"), None)
        if last is not None and layers[last].params.get("out_features") != num_classes:
            new = self._spec.with_param(last, "out_features", num_classes)
            self._edit(new, f"Output layer: {num_classes} classes")

    def replace_layers(self, spec: NetworkSpec, text: str) -> None:
        self._edit(spec.with_input_shape(self._spec.input_shape), text)

    def _edit(self, spec: NetworkSpec, text: str, merge_key: tuple | None = None) -> None:
        if self._locked:
            raise SpecError("the network cannot be edited while training runs")
        self.undo_stack.push(_SpecCommand(self, self._spec, spec, text, merge_key))

    # --- not undoable: the data set decides these --------------------------------------
    def set_data_shape(self, input_shape: Shape, num_classes: int) -> None:
        if tuple(input_shape) == tuple(self._spec.input_shape) and num_classes == self._num_classes:
            return  # nothing changes: no edit to announce
        self._num_classes = num_classes
        self._apply(self._spec.with_input_shape(input_shape))

    def load(self, spec: NetworkSpec, num_classes: int) -> None:
        """Start over with spec (a newly opened project): the undo history is cleared."""
        self._num_classes = num_classes
        self.undo_stack.clear()
        self._apply(spec)

    def _apply(self, spec: NetworkSpec) -> None:
        self._spec = spec
        self._report = infer_shapes(spec, self._num_classes)
        self.changed.emit()


class _SpecCommand(QUndoCommand):
    def __init__(
        self,
        doc: NetworkDocument,
        old: NetworkSpec,
        new: NetworkSpec,
        text: str,
        merge_key: tuple | None,
    ) -> None:
        super().__init__(text)
        self.doc, self.old, self.new, self.merge_key = doc, old, new, merge_key

    def redo(self) -> None:
        self.doc._apply(self.new)

    def undo(self) -> None:
        self.doc._apply(self.old)

    def id(self) -> int:
        return 1 if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Spin-box steps on one parameter become one undo step.
        if not isinstance(other, _SpecCommand) or other.merge_key != self.merge_key:
            return False
        self.new = other.new
        return True
