"""The buttons of a dialog that previews something to load."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton


def load_buttons(dialog: QDialog) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel and a default Load that accepts dialog: the box and its Load button."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    load = buttons.addButton("Load", QDialogButtonBox.ButtonRole.AcceptRole)
    load.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, load
