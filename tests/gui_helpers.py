"""Drive the GUI with real events.

The offscreen platform has no drag manager: QDrag.exec returns at once. `FakeDragManager`
plays the platform's part: when the app calls QDrag.exec (after a real press and move on the
source widget started the drag), it delivers real QDragEnter / QDragMove / QDrop events with
the drag's own mime data to the widget under the target point, as a window system would.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from playground.ui.views.tabs import GROUPS

LEFT = Qt.MouseButton.LeftButton
NO_MOD = Qt.KeyboardModifier.NoModifier


class FakeDragManager:
    def __init__(self, monkeypatch) -> None:
        self.target: QWidget | None = None
        self.pos = QPoint()
        self.seen_indicator = None
        self.on_hover = None
        monkeypatch.setattr(QDrag, "exec", lambda drag, *a, **k: self.play(drag))

    def play(self, drag: QDrag) -> Qt.DropAction:
        if self.target is None:
            return Qt.DropAction.IgnoreAction
        action = deliver_drop(self.target, self.pos, drag.mimeData(), self.on_hover)
        self.target = None
        return action


def deliver_drop(target: QWidget, pos: QPoint, mime: QMimeData, on_hover=None) -> Qt.DropAction:
    """Enter, move over and drop on target at pos; returns the accepted action or Ignore."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(pos, actions, mime, LEFT, NO_MOD)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return Qt.DropAction.IgnoreAction
    move = QDragMoveEvent(pos, actions, mime, LEFT, NO_MOD)
    QApplication.sendEvent(target, move)
    if on_hover:
        on_hover()
    if not move.isAccepted():
        return Qt.DropAction.IgnoreAction
    drop = QDropEvent(QPointF(pos), actions, mime, LEFT, NO_MOD)
    QApplication.sendEvent(target, drop)
    return drop.dropAction() if drop.isAccepted() else Qt.DropAction.IgnoreAction


def mouse_drag(
    manager: FakeDragManager, source: QWidget, start: QPoint, target: QWidget, end: QPoint
) -> None:
    """Press on source at start, move far enough to start a drag, release over target at end."""
    manager.target, manager.pos = target, end
    QTest.mousePress(source, LEFT, NO_MOD, start)
    for dx in (4, 12, 24, 40):
        QTest.mouseMove(source, start + QPoint(dx, dx // 2))
    QTest.mouseRelease(source, LEFT, NO_MOD, start + QPoint(40, 20))


def drop_files(target: QWidget, paths, pos: QPoint | None = None) -> Qt.DropAction:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return deliver_drop(target, pos or target.rect().center(), mime)


def choose_in_combo(combo, data) -> None:
    """Open the combo box's list and click the entry holding data, as a person would."""
    combo.showPopup()
    view = combo.view()
    index = view.model().index(combo.findData(data), 0)
    QTest.mouseClick(view.viewport(), LEFT, NO_MOD, view.visualRect(index).center())
    # The offscreen platform keeps the hidden popup as the active window (a desktop does
    # not): close it and give the activation back, so that shortcuts reach the window again.
    view.window().close()
    combo.window().activateWindow()


def open_window(qtbot, active: bool = True):
    """A new main window, shown, once its Train button is enabled (PyTorch and the data set
    load in the background after the window shows), as a person would wait for it."""
    from playground.ui.main_window import MainWindow

    w = MainWindow()
    w.show()
    if active:
        w.activateWindow()
        assert QTest.qWaitForWindowActive(w, 5000)
    qtbot.waitUntil(w.training.train_button.isEnabled, timeout=30_000)
    return w


def wait_for_tasks(qtbot, window, timeout: int = 30_000) -> None:
    """Wait until the window's slow work (loading, saving, opening) is done, as a person
    waits for the progress strip to go."""
    qtbot.waitUntil(lambda: not window.workspace.tasks.running, timeout=timeout)


def drop_project(window, qtbot, project, folder) -> None:
    """Save project into folder and drop the file on the window; wait until it has opened."""
    from playground.core.io.project import save_project

    path = folder / "dropped.playground"
    save_project(path, project)
    drop_files(window, [path])
    wait_for_tasks(qtbot, window)
    assert window.workspace.session.state == "trained"


_test_number = [0]  # counted by end_answers: an answer belongs to the test that asked for it


def end_answers() -> None:
    """After a test: its answers not yet given are never given (their timers count event-loop
    turns: one left by a test answered the next test's question into the old test's list)."""
    _test_number[0] += 1


def answer_next_dialog(button, seen: list, tries: int = 250) -> None:
    """Click a button of the next message box (None: its only button) with a real mouse
    click, as a person would; gives up after tries × 20 ms without one."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    test = _test_number[0]

    def click(left: int = tries) -> None:
        if _test_number[0] != test:
            return
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if left:
                QTimer.singleShot(20, lambda: click(left - 1))
            return
        seen.append(box.text())
        target = box.button(button) if button is not None else box.buttons()[0]
        QTest.mouseClick(target, LEFT)

    QTimer.singleShot(20, click)


def click_tab(window, title: str) -> None:
    """Click the group of views that holds the tab with this title, then the tab."""
    groups = window.views.group_bar
    group = next(g for g, (_, titles) in enumerate(GROUPS) if title in titles)
    QTest.mouseClick(groups, LEFT, NO_MOD, groups.tabRect(group).center())
    bar = window.views.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    assert bar.isTabVisible(index), title
    QTest.mouseClick(bar, LEFT, NO_MOD, bar.tabRect(index).center())
    assert window.views.currentIndex() == index, title


def open_backprop(window) -> None:
    """Open the Step tab's backprop walk-through page."""
    click_tab(window, "Step")
    bar = window.views.step_tab.tabBar()
    QTest.mouseClick(bar, LEFT, NO_MOD, bar.tabRect(1).center())


def toy_mlp(window, qtbot, key: str = "circle") -> None:
    """Choose a 2-D toy data set in the training panel and the MLP preset in the menu."""
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, key)
    window.findChild(type(window.menus.undo), "preset-mlp").trigger()


def click_menu(window, *path: str) -> None:
    """Open the menu bar's menu and submenus by their titles (without the & marks) and click
    the last entry, with real mouse clicks, as a person would."""
    from PySide6.QtWidgets import QMenu

    def entry(actions, title):
        return next(a for a in actions if a.text().replace("&", "") == title)

    bar = window.menuBar()
    top = entry(bar.actions(), path[0])
    QTest.mouseClick(bar, LEFT, NO_MOD, bar.actionGeometry(top).center())
    menu: QMenu = top.menu()
    assert QTest.qWaitForWindowExposed(menu, 2000), path[0]
    for title in path[1:]:
        item = entry(menu.actions(), title)
        assert item.isEnabled(), f"{title} is disabled"
        QTest.mouseMove(menu, menu.actionGeometry(item).center())  # a submenu opens on hover
        QTest.mouseClick(menu, LEFT, NO_MOD, menu.actionGeometry(item).center())
        if item.menu() is None:
            break
        menu = item.menu()
        assert QTest.qWaitForWindowExposed(menu, 2000), title
    window.activateWindow()  # the offscreen platform leaves the closed popup active


def wait_for_views(qtbot, timeout: int = 10_000) -> None:
    """Wait until every view on screen, in any window, has drawn the newest data it was given,
    as a person waits for the pictures to settle (views draw on a timer, in turns)."""
    from playground.ui.views.curves_view import CurvesView
    from playground.ui.widgets.live_view import LiveView

    def undrawn(w: QWidget) -> bool:
        if isinstance(w, LiveView):
            return w._dirty
        return isinstance(w, CurvesView) and (w._loss_dirty or w._acc_dirty)

    qtbot.waitUntil(
        lambda: not any(undrawn(w) and w.isVisible() for w in QApplication.allWidgets()),
        timeout=timeout,
    )


def on_screen(view, x: float, y: float) -> QPoint:
    """The plot viewport's pixel over the plane's point (x, y)."""
    vb = view.plot.plotItem.getViewBox()
    return view.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def stroke(view, points: list[tuple[float, float]]) -> None:
    """Press at the first point, drag through the others, release: one stroke of the brush."""
    port = view.plot.viewport()
    QTest.mousePress(port, LEFT, NO_MOD, on_screen(view, *points[0]))
    for x, y in points[1:]:
        QTest.mouseMove(port, on_screen(view, x, y))
    QTest.mouseRelease(port, LEFT, NO_MOD, on_screen(view, *points[-1]))


def paint_two_classes(window, qtbot, ys) -> None:
    """Paint (Data set ▸ Paint): blue down x = −4, then orange down x = 4, through ys, as mouse
    strokes on the Boundary plane; returns once the painted points are the data set."""
    ws = window.workspace
    window.findChild(type(window.menus.undo), "paint").trigger()
    view, bar = window.views.boundary, window.views.boundary.paint_bar
    qtbot.waitUntil(lambda: view.plot.isVisible())
    QTest.mouseClick(bar.classes.button(0), LEFT)
    stroke(view, [(-4, y) for y in ys])
    QTest.mouseClick(bar.classes.button(1), LEFT)
    with qtbot.waitSignal(ws.datasetChanged, timeout=30_000):
        stroke(view, [(4, y) for y in ys])
