"""Two widgets side by side in a wide window, one above the other in a narrow one."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QWidget

Direction = QBoxLayout.Direction


class WideRow(QWidget):
    """first beside second once the row is at least wide_px wide, or `aspect` times wider than
    tall, else first above second."""

    def __init__(
        self,
        first: QWidget,
        second: QWidget,
        wide_px: int,
        aspect: float = float("inf"),
        stretch: tuple[int, int] = (2, 3),
    ) -> None:
        super().__init__()
        self.wide_px, self.aspect = wide_px, aspect
        self.box = QBoxLayout(Direction.TopToBottom, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(first, stretch[0])
        self.box.addWidget(second, stretch[1])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        size = event.size()
        wide = size.width() >= min(self.wide_px, self.aspect * size.height())
        direction = Direction.LeftToRight if wide else Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
