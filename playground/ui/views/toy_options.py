"""The 2-D toy sets' options, as TensorFlow Playground offers them: which features of each
point the network gets, the noise, and the share of points held out to test on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.core.data.ref import DatasetRef
from playground.core.data.toy import TOY_NAMES
from playground.core.data.toy_features import DEFAULT, FEATURES
from playground.ui.widgets.spin_boxes import ClampingSpinBox

if TYPE_CHECKING:
    from playground.core.data.dataset import Dataset
    from playground.ui.state.session import TrainingSession

DEFAULT_NOISE, DEFAULT_TEST = 10, 20  # percent, as the loader's defaults


class ToyOptions(QWidget):
    """Shown while a toy set is loaded; a change loads it again with the options as shown."""

    def __init__(
        self,
        session: TrainingSession,
        choose: Callable[[DatasetRef, str], bool],
        parent: QWidget | None = None,
    ) -> None:
        """choose(ref, what): load ref if the person agrees to what it replaces; whether
        they did (see Workspace.ask_to_choose_dataset)."""
        super().__init__(parent)
        self.session, self.choose = session, choose
        self.source = ""
        self.features: dict[str, QPushButton] = {}
        inputs = QHBoxLayout()
        inputs.setSpacing(2)
        inputs.addWidget(QLabel("Inputs"))
        for key, (label, _) in FEATURES.items():
            button = QPushButton(label)
            button.setCheckable(True)
            button.setObjectName("featureToggle")
            button.setToolTip(f"Give the network {label} of each point as an input")
            button.clicked.connect(self._emit)
            self.features[key] = button
            inputs.addWidget(button)
        self.noise = _percent(0, 100, DEFAULT_NOISE)
        self.test = _percent(10, 90, DEFAULT_TEST)
        self.test.setToolTip("The share of the points held out to validate on")
        for spin in (self.noise, self.test):
            spin.editingFinished.connect(self._emit)
        amounts = QHBoxLayout()
        amounts.addWidget(QLabel("Noise"))
        amounts.addWidget(self.noise)
        amounts.addWidget(QLabel("Test"))
        amounts.addWidget(self.test)
        amounts.addWidget(QLabel("of the points held out to validate on"))
        amounts.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(inputs)
        layout.addLayout(amounts)
        self._shown: DatasetRef | None = None
        session.stateChanged.connect(self._state_changed)
        self.show_dataset(None)

    def show_dataset(self, d: Dataset | None) -> None:
        """Shown, with d's options, while d is a toy set."""
        # sine has one input, x: no features of a plane to choose
        toy = d is not None and d.ref.source in (*TOY_NAMES, "plane", "multigauss")
        self.setVisible(toy)
        if toy:
            self.show_ref(d.ref)

    def _state_changed(self) -> None:
        self.setEnabled(not self.session.busy)

    def show_ref(self, ref: DatasetRef) -> None:
        """Show the options of the toy set loaded now."""
        self._shown, self.source = ref, ref.source
        chosen = str(ref.options.get("features", ",".join(DEFAULT))).split(",")
        for key, button in self.features.items():
            button.setChecked(key in chosen)
        self.noise.setValue(round(100 * float(ref.options.get("noise", DEFAULT_NOISE / 100))))
        self.test.setValue(round(100 * float(ref.options.get("test_ratio", DEFAULT_TEST / 100))))

    def ref(self) -> DatasetRef:
        """The toy set with the options as shown."""
        chosen = [k for k, b in self.features.items() if b.isChecked()]
        options = dict(self._shown.options) if self._shown else {}
        options.update(
            features=",".join(chosen),
            noise=self.noise.value() / 100,
            test_ratio=self.test.value() / 100,
        )
        return DatasetRef(self.source, options)

    def _emit(self, *_: object) -> None:
        if not any(b.isChecked() for b in self.features.values()):
            self.sender().setChecked(True)  # the network needs at least one input
            return
        ref = self.ref()
        changed = self._shown is None or _values(ref) != _values(self._shown)
        if changed and not self.choose(ref, "Other toy-data options"):
            self.show_ref(self._shown)  # cancelled: the options of the data set loaded


def _values(ref: DatasetRef) -> tuple:
    """What the options make of the data set, defaults filled in."""
    o = ref.options
    features = tuple(str(o.get("features", ",".join(DEFAULT))).split(","))
    return (
        features,
        float(o.get("noise", DEFAULT_NOISE / 100)),
        float(o.get("test_ratio", DEFAULT_TEST / 100)),
    )


def _percent(lo: int, hi: int, value: int) -> ClampingSpinBox:
    s = ClampingSpinBox()
    s.setRange(lo, hi)
    s.setSuffix(" %")
    s.setValue(value)
    return s
