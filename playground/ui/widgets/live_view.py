"""Live views keep only the newest value and render it on a timer, and only when on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from playground.ui.widgets.redraw import schedule

REDRAW_MS = 500


class LiveView(QWidget):
    """Subclasses implement render(value); offer() is cheap and may be called at any rate."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.latest: Any = None
        self.renders = 0  # how many times the view actually drew (tests check hidden views)
        self._dirty = False
        schedule(self, self._tick, REDRAW_MS)

    def offer(self, value: Any) -> None:
        self.latest = value
        self._dirty = True

    def clear(self) -> None:
        """No weights to show (a new or reset network): back to blank, with a hint."""
        self.latest, self._dirty = None, False
        self.render_blank()

    def render_blank(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Draw again from the latest value (after a choice in the view changed)."""
        self._dirty = self.latest is not None
        self._tick()

    def _tick(self) -> bool:
        """Render the latest value if it is new and the view is on screen; whether it did."""
        if not (self._dirty and self.isVisible()):
            return False
        self._dirty = False
        self.renders += 1
        self.render(self.latest)
        return True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._dirty = self.latest is not None  # drawn at the next tick, in turn with the rest

    def render(self, value: Any) -> None:
        raise NotImplementedError


def show_layer_names(combo: QComboBox, names: list[str]) -> None:
    """List names in combo (quietly) if they changed, keeping the chosen one where it stays."""
    if [combo.itemText(i) for i in range(combo.count())] == names:
        return
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(names)
    combo.setCurrentIndex(names.index(current) if current in names else 0)
    combo.blockSignals(False)
