"""The reference number on the confirmation stays on one line: copied from two lines, it gets
copied wrong. At 200 % text the widest reference there can be (an 8-letter site, then the
widest letter throughout) is shrunk just enough to fit, a narrow one keeps its full size, and in
Arabic the code sits on the reading side, under its label.

The random part of each reference is fixed here, so every run shows the same reference."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QWidget

from kiosk.config import Config
from kiosk.store import Store, codes
from ui.driver import Driver
from ui.screens.code_label import CodeLabel
from ui.selftest import ANSWERS, FORM
from ui.style import BODY_PX, CODE_PX

from .helpers import shown_window


@pytest.fixture
def visit(qtbot, tmp_path, catalogue, monkeypatch):
    """A visit completed on a screen this wide, at this text size; its reference label."""
    opened = []

    def complete(site_id: str, letter: str, width: int = 1024, percent: int = 200,
                 language: str = "en") -> CodeLabel:
        monkeypatch.setattr(codes, "_random", lambda length: letter * length)
        store = Store(tmp_path / f"{site_id}.db", site_id=site_id)
        window = shown_window(qtbot, catalogue, store, Config(site_id=site_id))
        opened.append((window, store))
        driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
        window.flow.begin(language)
        window.appearance.set_text_size(percent)
        window.resize(width, 768)
        driver.start(FORM, language)
        driver.complete(ANSWERS)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
        reference = window.done.findChild(CodeLabel)
        qtbot.waitUntil(lambda: reference.isVisible())
        return reference

    yield complete
    for window, store in opened:
        window.shutdown()
        store.close()


def lines(label: CodeLabel) -> float:
    return label.height() / label.fontMetrics().height()


def width_at(label: CodeLabel, pixels: int) -> float:
    font = label.font()
    font.setPixelSize(pixels)
    return QFontMetricsF(font).horizontalAdvance(label.text())


def test_the_widest_reference_shrinks_to_one_line_at_200_percent(visit, qtbot):
    reference = visit("MMMMMMMM", "W")
    assert reference.text().startswith("MMMMMMMM-WWWWW-WWWW")
    assert width_at(reference, 2 * CODE_PX) > reference.width()  # too wide at full size
    qtbot.waitUntil(lambda: lines(reference) < 1.5)
    assert 2 * BODY_PX < reference.font().pixelSize() < 2 * CODE_PX
    assert reference.fontMetrics().horizontalAdvance(reference.text()) <= reference.width()
    reference.window().appearance.set_text_size(100)  # the citizen changes the size on the confirmation
    qtbot.waitUntil(lambda: reference.font().pixelSize() == CODE_PX)  # the full size: it fits
    assert lines(reference) < 1.5


def test_a_reference_that_fits_keeps_its_full_size(visit, qtbot):
    reference = visit("LIB", "1", width=1280)
    assert width_at(reference, 2 * CODE_PX) <= reference.width()
    qtbot.waitUntil(lambda: reference.font().pixelSize() == 2 * CODE_PX)
    assert lines(reference) < 1.5


def ink_columns(label: CodeLabel) -> tuple[int, int]:
    """The first and last columns of the label where the text is drawn."""
    image = label.grab().toImage()
    background = image.pixelColor(0, 0)
    columns = [x for x in range(image.width())
               if any(image.pixelColor(x, y) != background for y in range(image.height()))]
    return columns[0], columns[-1]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_code_reads_left_to_right_on_the_page_s_reading_side(visit, language):
    reference = visit("1234", "5", percent=100, language=language)  # digits and Latin alike
    first, last = ink_columns(reference)
    if language == "ar":  # under its right-aligned label
        assert reference.width() - last < 20 and first > reference.width() / 3
    else:
        assert first < 20 and last < reference.width() * 2 / 3


def test_once_shrunk_it_grows_back_only_with_room_to_spare(qtbot):
    """A scroll bar that comes and goes with the text's height changes the room by its width:
    the label must not follow it back and forth."""
    from ui.screens.code_label import GROW_MARGIN
    from ui.style import stylesheet

    page = QWidget()
    qtbot.addWidget(page)
    page.setStyleSheet(stylesheet(200))
    try:
        label = CodeLabel("MMMMMMMM-WWWWW-WWWWW")
        label.setParent(page)
        page.show()
        full = width_at(label, 2 * CODE_PX)
        room = int(full) - 120
        label.resize(room, 200)
        assert 2 * BODY_PX < label.font().pixelSize() < 2 * CODE_PX
        label.resize(room + GROW_MARGIN // 2, 200)  # a scroll bar went away...
        grown = label.font().pixelSize()
        assert width_at(label, grown) <= room  # ...and what it shows still fits without it
        label.resize(room, 200)  # the bar is back
        assert label.font().pixelSize() == grown  # no shrinking: no back and forth
        label.resize(int(full) + 2 * GROW_MARGIN, 200)  # real room: the full size again
        assert label.font().pixelSize() == 2 * CODE_PX
    finally:
        stylesheet(100)  # the text size is the stylesheet's, for every later test
