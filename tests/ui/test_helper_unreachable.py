"""Without the PIN, no helper screen and no helper action can be reached from any citizen
screen: not by any button, not by typing, not by a tap on the crest, not by a key."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton

from ui.selftest import ANSWERS, FORM

KEYS = [Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_F12, Qt.Key.Key_Tab, Qt.Key.Key_Return,
        Qt.Key.Key_H]
NAVIGATION = {Qt.Key.Key_Tab, Qt.Key.Key_Return}


def _no_helper_anywhere(window) -> None:
    helper = window.helper
    assert not helper.unlocked
    assert helper.panel is None  # never even built for a citizen
    assert not helper.pad.isVisible()
    assert helper._banner == []
    shown = {b.objectName() for b in window.findChildren(QPushButton) if b.isVisible()}
    assert not shown & {"helperOpen", "helperLock", "helperNav", "sendNow", "retryRejected"}


def _poke(qtbot, window) -> None:
    """What a curious citizen might try on any screen: a tap on the crest, keys."""
    qtbot.mousePress(window.header.crest, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(window.header.crest, Qt.MouseButton.LeftButton)
    for key in KEYS:
        if key not in NAVIGATION:  # plain Tab and Enter move through the page (key access)
            QTest.keyClick(window, key)
        QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.AltModifier)
    QApplication.processEvents()
    _no_helper_anywhere(window)


def _screens_of_a_whole_journey(window, driver, qtbot):
    """Every kind of citizen screen, one after another; yields at each."""
    yield "attract"
    driver.tap_named("primary", language="en")
    yield "services"
    driver.tap_named("tile", form_id=FORM)
    for _ in range(30):
        session = window.page.session
        if session.page().kind == "check":
            break
        yield f"page {session.page().key.name}"
        driver.fill_page(ANSWERS)
        driver.tap_named("primary")
    yield "check your answers"
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    yield "confirmation"
    driver.tap_named("primary")  # Finish
    yield "attract again"
    window.flow.begin("en")
    driver.tap_named("tile", form_id=FORM)
    driver.tap_named("save_later")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    yield "saved for later"
    driver.tap_named("primary")
    window.flow.begin("en")
    driver.tap_named("tile", resume=True)
    yield "resume code"
    box = next(w for w in window.findChildren(QLineEdit) if w.isVisible())
    qtbot.keyClicks(box, "ZZZZ-ZZZZ")
    driver.tap_named("primary")
    yield "wrong resume code"
    window.idle._start_warning()
    yield "idle warning"


def test_every_citizen_screen_offers_no_way_into_helper_mode(window, store, driver, qtbot):
    store.staff.set_helper_pin("Amina", "481516")  # helpers exist: there is something to reach
    seen = []
    for screen in _screens_of_a_whole_journey(window, driver, qtbot):
        seen.append(screen)
        _no_helper_anywhere(window)
        _poke(qtbot, window)
    assert {"attract", "services", "check your answers", "confirmation", "saved for later",
            "resume code", "idle warning"} <= set(seen)
    assert sum(1 for name in seen if name.startswith("page ")) >= 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hundreds_of_random_touches_never_reach_helper_mode(window, store, qtbot, seed):
    """A monkey on the touchscreen: any visible button, any box, typed text, the crest."""
    store.staff.set_helper_pin("Amina", "481516")
    rng = random.Random(seed)
    screens = set()
    for _ in range(250):
        screens.add(type(window.stack.currentWidget()).__name__)
        buttons = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.isEnabled()]
        boxes = [b for b in window.findChildren(QLineEdit) + window.findChildren(QPlainTextEdit)
                 if b.isVisible() and b.isEnabled()]
        roll = rng.random()
        if roll < 0.15 and boxes:
            box = rng.choice(boxes)
            box.setFocus()
            QTest.keyClicks(box, rng.choice(["12", "Test Street 4", "2020", "x", "ZZZZ-ZZZZ"]))
        elif roll < 0.2:
            qtbot.mousePress(window.header.crest, Qt.MouseButton.LeftButton)
            qtbot.mouseRelease(window.header.crest, Qt.MouseButton.LeftButton)
        elif buttons:
            QTest.mouseClick(rng.choice(buttons), Qt.MouseButton.LeftButton)
        else:
            QTest.mouseClick(window.stack.currentWidget(), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=5000)
        _no_helper_anywhere(window)
    assert {"AttractScreen", "ServicesScreen", "PageScreen"} <= screens
