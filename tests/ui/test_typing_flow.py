"""Typing flows: the keyboard's Next key moves from box to box, Done in the last box is
Continue, and the focus comes back to the box after a setting, a dialog or the idle warning,
so the next key tap types there. Driven by taps on the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from .keyboard_taps import focused, tap_keys
from .sample_answers import answer_sets


@pytest.fixture
def typing_window(window, qtbot):
    window.activateWindow()  # key taps go to the focused box of the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


def to_page(window, driver, form_id: str, name: str) -> None:
    driver.start(form_id)
    answers, session = answer_sets(form_id)[0], window.page.session
    while session.page().key.name != name:
        driver.fill_page(answers)
        driver.tap_named("primary")


def test_next_goes_through_the_address_and_done_in_the_last_box_continues(
        typing_window, driver, qtbot):
    window = typing_window
    to_page(window, driver, "renew_driving_licence", "address")
    inputs = window.page.inputs
    lines = [inputs[name].box for name in ("address_line_1", "address_line_2", "town",
                                           "postcode")]
    qtbot.waitUntil(lambda: focused() is lines[0])
    for number, (box, text) in enumerate(zip(lines, ("a", "b", "c", "d"), strict=True)):
        assert focused() is box
        tap_keys(qtbot, window, text)
        if number < 3:
            tap_keys(qtbot, window, "key_next")
    # Address lines start each word with a capital; the postcode is typed in capitals.
    assert [box.text() for box in lines] == ["A", "B", "C", "D"]
    # In the last box there is no next one: Next is not offered, and Done is Continue.
    assert not [k for k in window.keyboard.current_keys()
                if k.objectName() == "key_next" and k.isVisible()]
    tap_keys(qtbot, window, "key_enter")
    assert window.page.session.page().key.name == "phone"
    assert window.page.session.page().key.name == "phone"


def test_next_goes_through_a_date_on_the_number_pad(typing_window, driver, qtbot):
    window = typing_window
    to_page(window, driver, "renew_driving_licence", "date_of_birth")
    boxes = window.page.inputs["date_of_birth"].boxes
    qtbot.waitUntil(lambda: focused() is boxes["day"])
    tap_keys(qtbot, window, "7", "key_next", "3", "key_next", "1", "9", "8", "0")
    assert [box.text() for box in boxes.values()] == ["7", "3", "1980"]
    assert focused() is boxes["year"]
    tap_keys(qtbot, window, "key_enter")
    assert window.page.session.page().key.name == "renewal_reason"


SETTINGS = {
    "high contrast": lambda window: window.header.contrast,
    "text size": lambda window: next(b for b in window.header.sizes.buttons()
                                     if b.property("percent") == 150),
    "volume": lambda window: window.header.volume,
    "read aloud": lambda window: window.header.speak,
}


@pytest.mark.parametrize("setting", SETTINGS)
def test_the_focus_comes_back_to_the_box_after_a_setting(typing_window, driver, qtbot,
                                                         setting):
    """In the second box of the address, a tap on a setting in the header: the keys still
    type in that same box (after a new text size, the page is drawn again: its same box)."""
    window = typing_window
    to_page(window, driver, "renew_driving_licence", "address")
    tap_keys(qtbot, window, "key_next", "x")
    qtbot.mouseClick(SETTINGS[setting](window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(focused(), QLineEdit)
                    and focused().accessibleName() == "Address line 2 (optional)"
                    or focused() is window.page.inputs["address_line_2"].box)
    assert window.keyboard.isVisible()
    tap_keys(qtbot, window, "y")
    assert window.page.inputs["address_line_2"].box.text() == "Xy"  # nothing typed is lost
    assert window.page.inputs["address_line_1"].box.text() == ""


def test_the_focus_comes_back_after_more_time(typing_window, driver, qtbot):
    window = typing_window
    driver.start("housing_assistance")
    box = window.page.inputs["full_name"].box
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "a")
    window.idle._start_warning()  # the quiet spell, without waiting 90 s
    assert focused() is window.warning.button  # the dialog holds the focus while it is open
    qtbot.mouseClick(window.warning.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "b")
    assert box.text() == "Ab"  # a capital at the start of the box, as on a phone


def test_a_tap_on_a_box_chooses_it(typing_window, driver, qtbot):
    """The focus comes back only where nothing was chosen: a tapped box keeps it."""
    window = typing_window
    to_page(window, driver, "renew_driving_licence", "address")
    town = window.page.inputs["town"].box
    qtbot.mouseClick(town, Qt.MouseButton.LeftButton)
    tap_keys(qtbot, window, "z")
    assert town.text() == "Z" and focused() is town


def test_the_resume_code_opens_the_letters_in_capitals(typing_window, driver, qtbot):
    window = typing_window
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    box = window.resume.box
    qtbot.waitUntil(lambda: focused() is box and window.keyboard.isVisible())
    assert window.keyboard.layer == "code"  # capitals and digits together
    tap_keys(qtbot, window, "K", "P", "4")
    assert box.text() == "KP4"


def test_a_postcode_is_typed_on_the_code_keys(typing_window, driver, qtbot):
    """A postcode is kept in capitals: its box opens the capitals with the digits beside
    them, so "LS1 4AB" needs no Shift and no layer key."""
    window = typing_window
    to_page(window, driver, "renew_driving_licence", "address")
    postcode = window.page.inputs["postcode"].box
    qtbot.mouseClick(postcode, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.keyboard.mode == "code")
    tap_keys(qtbot, window, "L", "S", "1", "Space", "4", "A", "B")
    assert postcode.text() == "LS1 4AB" and focused() is postcode


def test_the_helpers_receipts_list_stays_in_sight_above_the_keypad(window, store, driver,
                                                                   qtbot):
    """On a 1024 x 768 screen, Receipts opens with its box and keyboard ready, and the latest
    receipts are still there to pick, wholly above the keyboard."""
    from PySide6.QtCore import QRect

    from .helper_steps import helpers_ready, unlock

    window.setFixedSize(1024, 768)
    references = []
    for answers in answer_sets("feedback_services")[:3]:
        driver.start("feedback_services")
        references.append(driver.complete(answers))
        window.flow.end_visit()
    helpers_ready(window, store)
    unlock(qtbot, window)
    driver.tap_named("helperNav", page="receipts")
    qtbot.waitUntil(lambda: window.keyboard.isVisible() and len(choices(window)) == 3)

    def placed(widget):
        return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())

    view = placed(choices(window)[0].parentWidget().parentWidget())  # the page's viewport
    keyboard = placed(window.keyboard)
    in_sight = [b for b in choices(window)
                if view.contains(placed(b)) and not placed(b).intersects(keyboard)]
    assert len(in_sight) >= 2, (view, keyboard, [placed(b) for b in choices(window)])


def choices(window) -> list[QPushButton]:
    return [b for b in window.findChildren(QPushButton)
            if b.isVisible() and b.objectName() == "receiptChoice"]


def test_the_keyboard_starts_capitals_itself_as_a_phone_does(typing_window, driver, qtbot):
    """A name's every word, a sentence's first letter: no Shift to find for them; an email
    address or a postcode (kept in capitals anyway) gets none."""
    window = typing_window
    to_page(window, driver, "renew_driving_licence", "full_name")
    tap_keys(qtbot, window, "a", "n", "n", "key_space", "l", "e", "e")
    assert window.page.inputs["full_name"].box.text() == "Ann Lee"
    window.flow.end_visit()
    to_page(window, driver, "report_problem", "problem_description")
    tap_keys(qtbot, window, "a", ".", "key_space", "b", "key_space", "c")
    assert window.page.inputs["problem_description"].box.toPlainText() == "A. B c"
    window.flow.end_visit()
    to_page(window, driver, "renew_driving_licence", "email")
    tap_keys(qtbot, window, "a")
    assert window.page.inputs["email"].box.text() == "a"
