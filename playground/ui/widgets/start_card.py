"""The first step: a short card that says where to start, shown until it is dismissed (the
dismissal is remembered in the app's settings)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

DISMISSED = "start/card_dismissed"
MARGIN, TOP = 8, 34  # inside the views: below their tab bar
STEPS = (
    "<b>Start here</b><br>"
    "1. Pick a network: <i>Network ▸ Presets</i>, or drag layers from the Palette onto the "
    "Network.<br>"
    "2. Press <b>▶ Train</b> (F5) and watch the Curves fall.<br>"
    "3. Draw a digit or drop an image on the <i>Classify</i> tab and read the answer.<br>"
    "New to neural networks? <i>Learn</i> (F1) shows each idea in the window."
)


class StartCard(QFrame):
    """Where to start; open_learn: shows the Learn panel."""

    def __init__(
        self, settings: QSettings, open_learn: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setProperty("kind", "info")
        self.settings = settings
        self.text = QLabel(STEPS)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.learn = QPushButton("Open Learn")
        self.learn.clicked.connect(open_learn)
        self.dismiss = QPushButton("Got it")
        self.dismiss.setToolTip("Hide this card; it does not come back")
        self.dismiss.clicked.connect(self.dismissed)
        buttons = QVBoxLayout()
        buttons.addWidget(self.learn)
        buttons.addWidget(self.dismiss)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.setVisible(not settings.value(DISMISSED, False, type=bool))

    def float_over(self, widget: QWidget) -> None:
        """Lie over the top of widget (the views, empty at the first launch) instead of taking
        a row of the window: the window keeps its least size, 1024×700 fits."""
        self.setParent(widget)
        self.setAutoFillBackground(True)
        widget.installEventFilter(self)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._place()
        return False

    def _place(self) -> None:
        host = self.parentWidget()
        width = max(200, host.width() - 2 * MARGIN)
        height = (
            self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        )
        self.setGeometry(MARGIN, TOP, width, min(height, max(60, host.height() - TOP)))
        self.raise_()

    def dismissed(self) -> None:
        self.settings.setValue(DISMISSED, True)
        self.settings.sync()
        self.hide()
