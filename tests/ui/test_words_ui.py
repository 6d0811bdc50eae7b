"""Words and marks that do not mislead: the page counter, the box at fault in a date, the
characters left in a box, and what the confirmation and the saved-for-later screens say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from ui.themes import THEMES

from .helpers import everything_shown_or_kept, heading, visible_texts


def captions(window) -> list[str]:
    return [w.text() for w in window.findChildren(QLabel)
            if w.isVisible() and w.objectName() == "caption"]


def to_date_of_birth(driver, window):
    driver.start("renew_driving_licence")
    assert not any(t.startswith("Question") for t in captions(window))  # the introduction
    driver.tap_named("primary")
    driver.enter(window.page.inputs["licence_number"], "123456782")
    driver.tap_named("primary")
    driver.enter(window.page.inputs["full_name"], "Sam Jones")
    driver.tap_named("primary")
    assert heading(window) == "What is your date of birth?"


def border_colour(box) -> QColor:
    """The colour a person sees at the left edge of the box, half-way down."""
    image = box.grab().toImage()
    return image.pixelColor(1, image.height() // 2)


def test_a_branching_form_shows_no_counter_and_the_hint_matches_the_error(window, driver):
    to_date_of_birth(driver, window)
    assert not any(t.startswith("Question") for t in captions(window))
    assert "For example, 27 3 2007" in visible_texts(window)
    date = window.page.inputs["date_of_birth"]
    for part, typed in (("day", "30"), ("month", "2"), ("year", "2007")):
        QTest.keyClicks(date.boxes[part], typed)
    driver.tap_named("primary")
    assert "Enter a real date, like 27 3 2007" in visible_texts(window)


def test_the_box_at_fault_in_a_date_is_marked_and_only_it(window, driver, qtbot):
    to_date_of_birth(driver, window)
    date = window.page.inputs["date_of_birth"]
    for part, typed in (("day", "3"), ("month", "13"), ("year", "2007")):
        QTest.keyClicks(date.boxes[part], typed)
    driver.tap_named("primary")
    date = window.page.inputs["date_of_birth"]  # the page is drawn again, with its error
    error = QColor(THEMES["standard"]["error"])
    window.page.setFocus()  # no box focused: each shows its own border
    qtbot.waitUntil(lambda: not any(b.hasFocus() for b in date.boxes.values()))
    assert border_colour(date.boxes["month"]) == error
    assert border_colour(date.boxes["day"]) != error
    assert border_colour(date.boxes["year"]) != error
    assert date.boxes["month"].accessibleDescription() == "Enter a real date, like 27 3 2007"
    # Left empty, the whole date is at fault: every box is marked.
    for box in date.boxes.values():
        box.clear()
    driver.tap_named("primary")
    date = window.page.inputs["date_of_birth"]
    assert all(box.property("invalid") for box in date.boxes.values())


def test_a_fixed_form_counts_its_questions_but_not_its_introduction(window, driver):
    driver.start("market_trader_tax")
    assert not any(t.startswith("Question") for t in captions(window))
    driver.tap_named("primary")
    assert "Question 1 of 7" in captions(window)


def test_a_box_stops_at_its_limit_and_counts_down_near_it(window, driver, qtbot):
    driver.start("renew_driving_licence")
    driver.tap_named("primary")
    driver.enter(window.page.inputs["licence_number"], "123456782")
    driver.tap_named("primary")
    box = window.page.inputs["full_name"].box
    count = window.page.inputs["full_name"].findChild(QLabel, "lengthCount")
    QTest.keyClicks(box, "a" * 159)
    assert not count.isVisible()  # far from the limit: nothing to count
    QTest.keyClicks(box, "b")
    assert count.isVisible() and count.text() == "Characters left: 40"
    QTest.keyClicks(box, "c" * 60)  # 220 typed: the box takes 200
    assert len(box.text()) == 200 and count.text() == "Characters left: 0"
    QTest.keyClick(box, Qt.Key.Key_Backspace)
    assert count.text() == "Characters left: 1"


def test_a_text_area_cannot_be_filled_past_its_limit(window, driver):
    driver.start("market_square_consultation")
    driver.tap_named("primary")  # past "About the plans"
    driver.enter(window.page.inputs["plan"], "plan_a_trees")
    driver.tap_named("primary")
    area = window.page.inputs["comments"].box
    area.setFocus()
    area.insertPlainText("x" * 490)
    area.moveCursor(area.textCursor().MoveOperation.Start)
    area.insertPlainText("Hello world")  # pasted at the start: what goes past 500 is dropped
    assert len(area.toPlainText()) == 500
    assert area.toPlainText().startswith("Hello worl") and area.toPlainText().endswith("x")
    count = window.page.inputs["comments"].findChild(QLabel, "lengthCount")
    assert count.isVisible() and count.text() == "Characters left: 0"


def test_sent_is_never_saved_and_saved_says_where_the_code_works(window, driver, qtbot):
    driver.start("housing_assistance")
    driver.enter(window.page.inputs["full_name"], "Sam Later")
    driver.tap_named("primary")
    driver.tap_named("save_later")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    shown = " ".join(visible_texts(window))
    assert heading(window) == "Your answers are saved for later"
    assert "They have not been sent." in shown and "this kiosk" in shown
    assert "any kiosk" not in " ".join(everything_shown_or_kept(window))
