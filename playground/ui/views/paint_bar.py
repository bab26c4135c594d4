"""The Boundary tab's paint tools: paint on/off, the class (its colour), erase, the brush's
radius and density, Undo and Clear; and the mouse on the plot turned into dabs of the brush."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.data.painted import PAINT_CLASSES
from playground.ui.state.painting import Painting

SWATCHES = ("#3B73B9", "#E07B22", "#3E9B5B", "#8A5CC7", "#C62828", "#5F6B76")  # CLASS_COLOURS


class PaintBar(QWidget):
    """Tools above the plot; paint_on() says whether the mouse paints."""

    def __init__(self, painting: Painting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.painting = painting
        self.paint = QPushButton("Paint")
        self.paint.setCheckable(True)
        self.paint.setToolTip("Click or drag on the plane to add points of the chosen class")
        self.classes = QButtonGroup(self)
        rows = QVBoxLayout(self)  # two rows: the tools fit a 1024-pixel window's views
        rows.setContentsMargins(0, 0, 0, 0)
        row, second = QHBoxLayout(), QHBoxLayout()
        rows.addLayout(row)
        rows.addLayout(second)
        row.setSpacing(3)
        row.addWidget(self.paint)
        for i, (name, colour) in enumerate(zip(PAINT_CLASSES, SWATCHES, strict=True)):
            button = QPushButton()
            button.setCheckable(True)
            button.setFixedSize(22, 22)
            button.setAccessibleName(f"paint {name}")
            button.setToolTip(f"Paint points of class {name}")
            button.setStyleSheet(
                f"QPushButton {{ background: {colour}; border: 2px solid white; }}"
                "QPushButton:checked { border: 2px solid #1F2328; }"
            )
            self.classes.addButton(button, i)
            row.addWidget(button)
        self.classes.button(0).setChecked(True)
        self.classes.idClicked.connect(self._choose_class)
        self.erase = QPushButton("Erase")
        self.erase.setCheckable(True)
        self.radius = QDoubleSpinBox()
        self.radius.setRange(0.0, 3.0)
        self.radius.setSingleStep(0.1)
        self.radius.setValue(painting.radius)
        self.radius.setToolTip("The brush's radius, in the plane's units")
        self.density = QSpinBox()
        self.density.setRange(1, 50)
        self.density.setValue(painting.density)
        self.density.setToolTip("Points added at each dab of the brush")
        self.radius.valueChanged.connect(lambda v: setattr(painting, "radius", v))
        self.density.valueChanged.connect(lambda v: setattr(painting, "density", v))
        self.undo = QPushButton("Undo")
        self.undo.clicked.connect(painting.undo)
        self.clear = QPushButton("Clear")
        self.clear.clicked.connect(painting.clear)
        row.addWidget(self.erase)
        row.addStretch(1)
        second.addWidget(QLabel("Brush"))
        second.addWidget(self.radius)
        second.addWidget(QLabel("Points"))
        second.addWidget(self.density)
        second.addWidget(self.undo)
        second.addWidget(self.clear)
        second.addStretch(1)
        painting.changed.connect(self._update)
        self._update()

    def _choose_class(self, index: int) -> None:
        self.painting.label = index
        self.erase.setChecked(False)

    def _update(self) -> None:
        self.undo.setEnabled(self.painting.can_undo)
        self.clear.setEnabled(len(self.painting.points) > 0)

    def paint_on(self) -> bool:
        return self.paint.isChecked() and self.isEnabled()


class PlotBrush(QObject):
    """Presses and drags of the left button on the plot's viewport become dabs (or erasing)
    at the data point under the mouse, while the bar's Paint is on; the plot then does not
    pan. to_data maps a viewport position to the plane's coordinates."""

    def __init__(self, bar: PaintBar, viewport: QWidget, to_data) -> None:
        super().__init__(bar)
        self.bar, self.to_data = bar, to_data
        self.last: QPointF | None = None
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (
            kind
            not in (
                QEvent.Type.MouseButtonPress,
                QEvent.Type.MouseMove,
                QEvent.Type.MouseButtonRelease,
            )
            or not self.bar.paint_on()
        ):
            return False
        assert isinstance(event, QMouseEvent)
        if kind == QEvent.Type.MouseButtonRelease:
            self.last = None
            return event.button() == Qt.MouseButton.LeftButton
        if kind == QEvent.Type.MouseButtonPress:
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            self.bar.painting.begin_stroke()
        elif not event.buttons() & Qt.MouseButton.LeftButton:
            return False
        at = self.to_data(event.position())
        # a drag dabs again once it has moved half the brush: the same density along a stroke
        spacing = max(self.bar.painting.radius / 2, 0.1)
        if self.last is None or (at - self.last).manhattanLength() >= spacing:
            self.last = at
            p = self.bar.painting
            p.rub(at.x(), at.y()) if self.bar.erase.isChecked() else p.dab(at.x(), at.y())
        return True
