"""No tap lands twice, and a drag scrolls whatever the screen sends: presses as the window
system hands them to the kiosk's window (QTest on the window handle), in the test process.
The same with real X events is in test_real_input.py."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QScrollArea

from ui.style import SCROLL_BAR_PX

from .sample_answers import answer_sets

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def at(window, widget) -> QPoint:
    return widget.mapTo(window, widget.rect().center())


def press_through_window(window, widget) -> None:
    QTest.mouseClick(window.windowHandle(), LEFT, NONE, at(window, widget))


def shown_button(window, name: str, **properties) -> QPushButton:
    return next(b for b in window.findChildren(QPushButton) if b.isVisible()
                and b.objectName() == name
                and all(b.property(k) == v for k, v in properties.items()))


def test_a_press_just_after_a_new_page_is_ignored_and_one_after_the_guard_time_is_not(
        window, driver, qtbot):
    driver.start("renew_driving_licence")
    assert window.page.session.page().key.name == "intro"
    press_through_window(window, shown_button(window, "primary"))  # the second tap of two
    assert window.page.session.page().key.name == "intro"
    assert window.tap_guard.ignored >= 1
    qtbot.waitUntil(lambda: not window.tap_guard.recent(), timeout=2000)
    press_through_window(window, shown_button(window, "primary"))
    assert window.page.session.page().key.name == "licence_number"
    assert not window.page.session.page().problems


def test_two_quick_taps_on_one_key_type_two_letters(window, driver, qtbot):
    driver.start("renew_driving_licence")
    driver.tap_named("primary")  # to the licence number, then the name: the letters
    driver.enter(window.page.inputs["licence_number"], "123456782")
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: not window.tap_guard.recent(), timeout=2000)
    key = next(k for k in window.keyboard.current_keys() if k.property("char") == "l")
    press_through_window(window, key)
    press_through_window(window, key)
    assert window.page.inputs["full_name"].entry() == "Ll"  # a name's first letter: a capital


def test_send_and_finish_act_once_however_often_they_are_pressed(driver, window, store, qtbot,
                                                                  monkeypatch):
    printed = []
    monkeypatch.setattr(window.receipts, "print_receipt",
                        lambda reference, *_: printed.append(reference))
    answers = answer_sets("report_problem")[0]
    driver.start("report_problem")
    finished = []
    window.done.closed.connect(lambda: finished.append(True))
    for _ in range(40):  # to check your answers
        if window.page.session.page().kind == "check":
            break
        driver.fill_page(answers)
        driver.tap_named("primary")
    assert window.page.session.page().kind == "check"
    window.flow.finish_visit()
    window.flow.finish_visit()  # a second Send while the first is being stored
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=10_000)
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT count(*) FROM submissions").fetchone()[0] == 1
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert len(printed) == 1  # one confirmation, one receipt
    finish = shown_button(window, "primary")
    finish.click()
    window.done._finish()  # pressed again: the next visit is not wiped as well
    assert finished == [True]


def test_a_mouse_drag_scrolls_the_service_list_and_opens_nothing(window, driver, qtbot):
    driver.tap_named("primary", language="en")
    area = window.services.findChild(QScrollArea)
    qtbot.waitUntil(lambda: not window.tap_guard.recent(), timeout=2000)
    assert area.verticalScrollBar().maximum() > 0
    start = area.viewport().mapTo(window, QPoint(area.viewport().width() // 2,
                                                 area.viewport().height() - 40))
    handle = window.windowHandle()
    QTest.mousePress(handle, LEFT, NONE, start)
    for step in range(1, 11):
        QTest.mouseMove(handle, start - QPoint(0, 25 * step))
    QTest.mouseRelease(handle, LEFT, NONE, start - QPoint(0, 250))
    assert area.verticalScrollBar().value() > 100
    assert window.stack.currentWidget() is window.services  # the tile under it did not open
    tile = shown_button(window, "tile", form_id="renew_driving_licence")
    press_through_window(window, tile)  # and a tap is a tap at once, with no wait
    assert window.stack.currentWidget() is window.page


def test_scroll_bars_are_a_finger_wide_and_services_come_two_to_a_row(window, driver, qtbot):
    driver.tap_named("primary", language="en")
    area = window.services.findChild(QScrollArea)
    bar = area.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible)  # the list is longer than the screen
    assert bar.width() >= SCROLL_BAR_PX >= 24
    assert window.services.columns == 2
    kinds = [tile.property("form_id") is not None for tile in window.services.tiles]
    assert kinds == sorted(kinds, reverse=True)  # every form before any information page
    licence = shown_button(window, "tile", form_id="renew_driving_licence")
    top = licence.mapTo(area.viewport(), QPoint(0, 0)).y()
    assert top + 44 <= area.viewport().height()  # in sight without a swipe, at 1024 x 768



def test_the_second_tap_on_a_dialogs_button_does_not_land_on_the_page_it_uncovers(
        window, driver, qtbot):
    """"Start again?" then a double tap on "No, carry on": the dialog closes at the first
    tap, and the second must not press Continue lying under it."""
    driver.start("renew_driving_licence")
    qtbot.waitUntil(lambda: not window.tap_guard.recent(), timeout=2000)
    press_through_window(window, shown_button(window, "startAgain"))
    confirm = window.controls.confirm
    qtbot.waitUntil(lambda: confirm.isVisible() and not window.tap_guard.recent(), timeout=2000)
    press_through_window(window, confirm.keep)  # "No, carry on"
    assert not confirm.isVisible()
    press_through_window(window, shown_button(window, "primary"))  # the second tap
    assert window.page.session.page().key.name == "intro"
