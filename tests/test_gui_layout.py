"""Every panel legible from 1024×700 up, and nothing moves when tabs change or training starts."""

import pytest
from PySide6.QtTest import QTest

from gui_helpers import LEFT, NO_MOD, choose_in_combo


def each_group(window):
    """Click each group of views in turn; yields the tab bar with that group's tabs."""
    groups = window.views.group_bar
    for g in range(groups.count()):
        QTest.mouseClick(groups, LEFT, NO_MOD, groups.tabRect(g).center())
        bar = window.views.tabBar()
        yield [i for i in range(bar.count()) if bar.isTabVisible(i)]


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800), (1920, 1080)])
def test_every_panel_is_legible(window, qtbot, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=5000)
    qtbot.wait(100)
    # the cards keep their full width: title, output shape and parameter count
    assert window.stack.width() >= window.stack.minimumWidth()
    scroll = window.stack.parentWidget().parentWidget()
    assert scroll.viewport().width() >= window.stack.minimumWidth()
    # every tab can be seen and clicked, with its title whole, group by group
    bar = window.views.tabBar()
    shown = []
    for tabs in each_group(window):
        assert tabs and all(bar.tabRect(i).right() <= bar.width() for i in tabs)
        for i in tabs:
            assert bar.tabRect(i).width() > bar.fontMetrics().horizontalAdvance(bar.tabText(i))
        shown += tabs
    assert sorted(shown) == list(range(bar.count()))
    # the Conv2d inspector: every field at least as wide as its numbers need
    QTest.mouseClick(window.stack, LEFT, NO_MOD, window.stack.card_rect(0).center())
    qtbot.wait(50)
    for name, editor in window.inspector.editors.items():
        assert editor.width() >= editor.minimumSizeHint().width(), name


def test_tabs_and_training_do_not_move_the_splitters(window, qtbot):
    window.resize(1024, 700)
    qtbot.wait(100)
    before = window.splitter.sizes()
    bar = window.views.tabBar()
    for tabs in each_group(window):
        for i in tabs:
            QTest.mouseClick(bar, LEFT, NO_MOD, bar.tabRect(i).center())
            qtbot.wait(20)
            assert window.views.currentIndex() == i
            assert window.splitter.sizes() == before, bar.tabText(i)
    window.training.epochs.setValue(1)
    with qtbot.waitSignal(window.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(window.training.train_button, LEFT)
        qtbot.waitUntil(lambda: window.workspace.session.history.last_step > 0, timeout=20_000)
        assert window.splitter.sizes() == before
    assert window.splitter.sizes() == before
    # trained, the views show more (the Convolution tab its products): still 1024×700
    for tabs in each_group(window):
        for i in tabs:
            QTest.mouseClick(bar, LEFT, NO_MOD, bar.tabRect(i).center())
            qtbot.wait(50)
            assert window.minimumSizeHint().height() <= 700, bar.tabText(i)
            assert window.size().toTuple() == (1024, 700), bar.tabText(i)


def test_the_window_fits_1024_by_700_with_a_message_above_the_views(window, qtbot):
    """A three-line message (the network does not fit the data set) and any tab: the window
    still fits 1024×700, nothing pushed below the screen's edge."""
    window.resize(1024, 700)
    with qtbot.waitSignal(window.workspace.datasetChanged, timeout=30_000):
        choose_in_combo(window.training.dataset, "xor")
    qtbot.waitUntil(window.banner.isVisible)
    assert "does not fit" in window.banner.text()
    bar, panel = window.views.tabBar(), window.training.parentWidget()
    for tabs in each_group(window):
        for i in tabs:
            QTest.mouseClick(bar, LEFT, NO_MOD, bar.tabRect(i).center())
            qtbot.wait(20)
            hint = window.minimumSizeHint()
            assert hint.width() <= 1024 and hint.height() <= 700, (bar.tabText(i), hint)
            # nothing squeezed below its own height: the panel's rows, the message's lines
            assert panel.height() >= panel.minimumSizeHint().height(), bar.tabText(i)
            banner = window.banner
            assert banner.height() >= banner.heightForWidth(banner.width()), bar.tabText(i)
            assert window.views.height() >= window.views.minimumSizeHint().height()
    assert window.size().toTuple() == (1024, 700)
