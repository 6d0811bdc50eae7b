"""Holding the crest shows a ring filling around it, so staff know the hold is working;
letting go empties it, and a tap shows nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage


def _ring_pixels(image: QImage) -> int:
    """Pixels unlike the background on the ring's path, outside the crest's own picture."""
    width, height = image.width(), image.height()
    background = image.pixelColor(0, 0).lightness()
    return sum(1 for x in range(width) for y in (2, 3, height - 4, height - 3)
               if abs(image.pixelColor(x, y).lightness() - background) > 100)


@pytest.mark.parametrize("theme", ["standard", "high_contrast"])
def test_a_held_crest_fills_a_ring_and_letting_go_empties_it(window, qtbot, theme):
    window.appearance.set_theme(theme)  # the ring takes the theme's text colour: seen on both
    crest = window.header.crest
    crest._timer.setInterval(1500)  # shorter than the kiosk's 3 s; the same ring
    before = _ring_pixels(crest.grab().toImage())
    qtbot.mousePress(crest, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: crest.progress() > 0.3)
    half = _ring_pixels(crest.grab().toImage())
    qtbot.waitUntil(lambda: crest.progress() > 0.7)
    most = _ring_pixels(crest.grab().toImage())
    assert before < half < most  # it grows while held
    qtbot.mouseRelease(crest, Qt.MouseButton.LeftButton)
    assert crest.progress() == 0
    assert _ring_pixels(crest.grab().toImage()) == before
    assert not window.helper.pad.isVisible()


def test_a_tap_on_the_crest_shows_no_ring(window, qtbot):
    crest = window.header.crest
    before = crest.grab().toImage()
    qtbot.mousePress(crest, Qt.MouseButton.LeftButton)
    assert crest.grab().toImage() == before  # the first tenth of the hold is quiet
    qtbot.mouseRelease(crest, Qt.MouseButton.LeftButton)
    assert crest.grab().toImage() == before
