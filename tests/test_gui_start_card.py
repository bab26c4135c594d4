"""The first step: on first launch the window says where to start; once dismissed the card
does not come back."""

from PySide6.QtTest import QTest

from gui_helpers import LEFT, open_window


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
