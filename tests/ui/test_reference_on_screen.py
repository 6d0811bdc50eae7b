"""The reference number on the confirmation stays on one line: copied from two lines, it gets
copied wrong. At 200 % text the widest reference there can be (an 8-letter site, wide letters)
is shrunk just enough to fit, and a narrower one keeps its full size."""

from __future__ import annotations

import pytest

from kiosk.config import Config
from kiosk.store import Store
from ui.driver import Driver
from ui.screens.code_label import CodeLabel
from ui.selftest import ANSWERS, FORM

from .helpers import shown_window


@pytest.fixture
def visit(qtbot, tmp_path, catalogue):
    """A visit completed at 200 % text on a screen this wide; its reference label."""
    opened = []

    def complete(site_id: str, width: int = 1024) -> CodeLabel:
        store = Store(tmp_path / f"{site_id}.db", site_id=site_id)
        window = shown_window(qtbot, catalogue, store, Config(site_id=site_id))
        opened.append((window, store))
        driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
        window.begin("en")
        window.set_text_size(200)
        window.resize(width, 768)
        driver.start(FORM, "en")
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


def test_the_widest_reference_shrinks_to_one_line_at_200_percent(visit, qtbot):
    reference = visit("MMMMMMMM")
    qtbot.waitUntil(lambda: lines(reference) < 1.5)
    size = reference.font().pixelSize()
    assert 44 < size < 88  # smaller than the style's 88 px, larger than the 44 px body text
    assert reference.fontMetrics().horizontalAdvance(reference.text()) <= reference.width()
    window = reference.window()
    window.set_text_size(100)  # the citizen changes the size on the confirmation
    qtbot.waitUntil(lambda: reference.font().pixelSize() == 44)  # the full size: it fits
    assert lines(reference) < 1.5


def test_a_reference_that_fits_keeps_its_full_size(visit, qtbot):
    reference = visit("LIB", width=1280)  # room for any LIB reference at 88 px
    qtbot.waitUntil(lambda: reference.font().pixelSize() == 88)
    assert lines(reference) < 1.5
