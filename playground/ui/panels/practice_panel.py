"""Practice: the challenges along the path of the ideas, each with its goal, Load, Check,
hints one at a time and a solution that can be shown (and is marked as shown)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.model.layers import layer_type
from playground.core.model.spec import LayerSpec, NetworkSpec
from playground.core.practice.challenge import Challenge
from playground.core.practice.grade import Report, solution_project
from playground.core.practice.progress import PASSED, TRIED, WITH_SOLUTION, Progress
from playground.ui.panels.practice_predict import PredictBox

MARKS = {PASSED: "✓", WITH_SOLUTION: "✓ (with solution)", TRIED: "·"}
ROLE = Qt.ItemDataRole.UserRole


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


def _card(layer: LayerSpec) -> str:
    return f"{layer.type} {layer_type(layer.type).summary(layer.params)}".strip()


def network_text(spec: NetworkSpec) -> str:
    """A stack as its cards in order; a graph as one line per card with what feeds it."""
    if not spec.is_graph:
        return " → ".join(_card(layer) for layer in spec.layers)
    return "".join(
        f"\n  {layer.id}: {_card(layer)} ← {', '.join(layer.inputs)}" for layer in spec.layers
    )


def solution_text(challenge: Challenge) -> str:
    """The solution in words: its layers and settings."""
    p = solution_project(challenge)
    layers = network_text(p.spec)
    c = p.config
    settings = f"{c.optimizer}, learning rate {c.lr:g}, batch {c.batch_size}, {c.epochs} epochs"
    if c.regularization != "none":
        settings += f", {c.regularization.upper()} {c.reg_rate:g}"
    features = p.dataset.options.get("features")
    inputs = f"\nInputs: {features}" if features else ""
    return f"Network: {layers}\nSettings: {settings}{inputs}"


class PracticePanel(QWidget):
    loadRequested = Signal(object, bool)  # Challenge, whether its solution
    checkRequested = Signal(object)  # Challenge

    def __init__(self, progress: Progress, challenges: tuple[Challenge, ...], parent=None) -> None:
        super().__init__(parent)
        self.progress, self.challenges = progress, challenges
        self.current: Challenge | None = None
        self.tree = QTreeWidget()
        self.tree.setObjectName("challengeTree")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(lambda item, _: self._select(item))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self._details())
        splitter.setSizes([260, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        if progress.problem:
            layout.addWidget(_label(progress.problem, "explanation"))
        layout.addWidget(splitter)
        self._fill()
        self._select(None)

    def _details(self) -> QScrollArea:
        self.title = _label(name="sectionTitle")
        self.goal = _label()
        self.text = _label(name="explanation")
        self.predict = PredictBox()
        self.predict.lockedIn.connect(self._lock_in)
        self.load_button = QPushButton("Load")
        self.load_button.setToolTip("Start from the challenge's data set, network and settings")
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Run the checks on the network as it is now")
        self.hint_button = QPushButton("Hint")
        self.solution_button = QPushButton("Show solution")
        self.load_button.clicked.connect(lambda: self.loadRequested.emit(self.current, False))
        self.check_button.clicked.connect(self._check)
        self.hint_button.clicked.connect(self._next_hint)
        self.solution_button.clicked.connect(self._reveal)
        buttons = QGridLayout()  # two by two: four in a row clipped a dock 360 pixels wide
        for i, b in enumerate(
            (self.load_button, self.check_button, self.hint_button, self.solution_button)
        ):
            buttons.addWidget(b, i // 2, i % 2)
        self.checks = _label(name="checkResults")
        self.verdict = _label(name="sectionTitle")
        self.hints = _label()
        self.solution = _label()
        self.load_solution = QPushButton("Load solution")
        self.load_solution.clicked.connect(lambda: self.loadRequested.emit(self.current, True))
        page = QWidget()
        box = QVBoxLayout(page)
        for w in (self.title, self.goal, self.text, self.predict):
            box.addWidget(w)
        box.addLayout(buttons)
        for w in (self.verdict, self.checks, self.hints, self.solution):
            box.addWidget(w)
        box.addWidget(self.load_solution, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        return scroll

    # --- the path through the ideas --------------------------------------------------------
    def _fill(self) -> None:
        for n, (idea, steps) in enumerate(self.progress.ideas_path(self.challenges), 1):
            top = QTreeWidgetItem(self.tree)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for challenge, _ in steps:
                QTreeWidgetItem(top).setData(0, ROLE, challenge)
            top.setData(0, ROLE, (n, idea))
        self.tree.expandAll()
        self._mark()

    def _mark(self) -> None:
        """Each challenge's status mark, each idea's count of passed challenges."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            passed = 0
            for j in range(top.childCount()):
                item = top.child(j)
                c = item.data(0, ROLE)
                status = self.progress.get(c.name).status
                passed += status in (PASSED, WITH_SOLUTION)
                mark = MARKS.get(status, "")
                item.setText(0, f"{c.title}  {mark}".strip())
                item.setToolTip(0, f"{c.goal}\n({status})")
            n, idea = top.data(0, ROLE)
            top.setText(0, f"{n}. {idea}  ({passed} of {top.childCount()})")

    def item(self, name: str) -> QTreeWidgetItem:
        """The list's row of the challenge called name."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, ROLE).name == name:
                    return top.child(j)
        raise KeyError(name)

    # --- one challenge ---------------------------------------------------------------------
    def _select(self, item: QTreeWidgetItem | None) -> None:
        c = item.data(0, ROLE) if item is not None else None
        self.current = c if isinstance(c, Challenge) else None
        c = self.current
        for w in (self.load_button, self.check_button, self.hint_button, self.solution_button):
            w.setVisible(c is not None)
        self.verdict.clear()
        self.checks.clear()
        if c is None:
            self.title.setText("Practice")
            self.goal.setText("Choose a challenge. Each checks what you build and train.")
            self.text.clear()
            self.predict.show_prediction(None, None)
            self.hints.clear()
            self._show_solution(False)
            return
        record = self.progress.get(c.name)
        self.title.setText(f"{c.idea_title}: {c.title}")
        self.goal.setText(c.goal)
        self.text.setText(c.text)
        self.predict.show_prediction(c.predict, record.predicted)
        self.checks.setText("\n".join(f"○ {k.label}" for k in c.checks))
        self._show_hints(record.hints)
        self._show_solution(record.revealed)
        self._enable()

    def _enable(self) -> None:
        """A prediction is made before the network runs: Load and Check wait for it."""
        c = self.current
        ready = c is not None and (c.predict is None or self.predict.locked is not None)
        self.load_button.setEnabled(ready)
        self.check_button.setEnabled(ready and self.check_button.text() == "Check")

    def _lock_in(self, choice: int) -> None:
        c = self.current
        if c is not None and choice >= 0:
            self.predict.lock(self.progress.predict(c.name, choice))
            self._enable()

    def _check(self) -> None:
        self.check_button.setText("Checking…")
        self.check_button.setEnabled(False)
        self.checkRequested.emit(self.current)

    def show_report(self, challenge: Challenge, report: Report) -> None:
        """A check's verdicts: each ✓ or ✗ with what it found; progress is kept."""
        record = self.progress.attempted(challenge.name, report)
        self._mark()
        if challenge is not self.current:
            return
        self._checked()
        self.checks.setText(
            "\n".join(
                f"{'✓' if v.passed else '✗'} {v.check.label}: {v.message}" for v in report.verdicts
            )
        )
        if report.passed:
            how = " with the solution shown" if record.with_solution else ""
            self.verdict.setText(f"Passed{how}.")
        else:
            failed = sum(not v.passed for v in report.verdicts)
            self.verdict.setText(f"Not yet: {failed} check{'s' * (failed > 1)} to go.")
        self.predict.reveal()

    def show_failure(self, challenge: Challenge, text: str) -> None:
        if challenge is self.current:
            self._checked()
            self.verdict.setText(f"Could not check: {text}")

    def _checked(self) -> None:
        self.check_button.setText("Check")
        self._enable()

    def _next_hint(self) -> None:
        c = self.current
        shown = self.progress.get(c.name).hints
        if shown < len(c.hints):
            self.progress.hint_shown(c.name, shown + 1)
        self._show_hints(self.progress.get(c.name).hints)

    def _show_hints(self, shown: int) -> None:
        c = self.current
        self.hints.setText("\n".join(f"Hint {i + 1}: {h}" for i, h in enumerate(c.hints[:shown])))
        left = len(c.hints) - shown
        self.hint_button.setText(f"Hint ({left} left)" if left else "No more hints")
        self.hint_button.setEnabled(left > 0)

    def _reveal(self) -> None:
        answer = QMessageBox.question(
            self,
            "Show the solution?",
            "A pass after seeing the solution counts as passed with the solution. Show it?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.progress.revealed(self.current.name)
            self._show_solution(True)

    def _show_solution(self, shown: bool) -> None:
        c = self.current
        self.solution.setText(f"Solution (shown)\n{solution_text(c)}" if shown and c else "")
        self.solution.setVisible(shown)
        self.load_solution.setVisible(shown)
        self.solution_button.setEnabled(not shown)
