"""A page's content that scrolls where the window is too short for it."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolled(widget: QWidget) -> QScrollArea:
    """widget in a frameless scroll area, as wide and tall as the area where there is room:
    what does not fit scrolls instead of being squeezed or making the window bigger."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll
