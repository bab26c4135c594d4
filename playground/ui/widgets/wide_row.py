"""Two widgets side by side in a wide window, one above the other in a narrow one."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QWidget

Direction = QBoxLayout.Direction


class WideRow(QWidget):
    """first beside second once the row is at least wide_px wide, else first above second."""

    def __init__(self, first: QWidget, second: QWidget, wide_px: int) -> None:
        super().__init__()
        self.wide_px = wide_px
        self.box = QBoxLayout(Direction.TopToBottom, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(first, 2)
        self.box.addWidget(second, 3)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= self.wide_px
        direction = Direction.LeftToRight if wide else Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
