"""The first step: on first launch the window says where to start; once dismissed the card
does not come back."""

from PySide6.QtTest import QTest

from gui_helpers import LEFT, click_tab, open_window


def test_first_launch_shows_where_to_start_until_dismissed(qtbot, _isolated_home):
    (_isolated_home / "settings.ini").unlink()  # a first launch
    w = open_window(qtbot)
    card = w.start_card
    assert card.isVisible()
    text = card.text.text()
    assert "Presets" in text and "Train" in text and "Classify" in text
    QTest.mouseClick(card.learn, LEFT)
    assert w.learn_dock.isVisible()
    QTest.mouseClick(card.dismiss, LEFT)
    assert not card.isVisible()
    w.close()
    again = open_window(qtbot)
    assert not again.start_card.isVisible()
    again.close()


def test_the_card_steps_aside_for_another_view_and_goes_once_training_starts(qtbot, _isolated_home):
    """It lies over the views: looking at another view hides it; pressing Train (step 2 of
    what it says) puts it away for good."""
    (_isolated_home / "settings.ini").unlink()
    w = open_window(qtbot)
    card = w.start_card
    click_tab(w, "Classify")  # the pad it would cover
    assert not card.isVisible()
    w.close()
    again = open_window(qtbot)
    assert again.start_card.isVisible()  # only stepped aside: a new window shows it
    again.training.epochs.setValue(1)
    with qtbot.waitSignal(again.workspace.session.finished, timeout=60_000):
        QTest.mouseClick(again.training.train_button, LEFT)
    assert not again.start_card.isVisible()
    again.workspace.files.dirty = False
    again.close()
    third = open_window(qtbot)
    assert not third.start_card.isVisible()
    third.close()
