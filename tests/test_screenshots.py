"""The README's pictures come from scripts/screenshots.py: it must keep running as the window
changes. Here its quickest picture, grabbed at the README's size."""

import sys
from pathlib import Path

from PySide6.QtGui import QImage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import screenshots


def test_the_screenshot_script_grabs_the_window(qapp, tmp_path):
    screenshots.start_picture(tmp_path, (1280, 800))
    picture = QImage(str(tmp_path / "start.png"))
    assert (picture.width(), picture.height()) == (1280, 800)
