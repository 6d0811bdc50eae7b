"""Where the pieces of issue 17 meet, as a citizen would find them: typing goes on after a
question laid over the page is answered, the Next key on a page that was not yet on screen
when its box got the focus, Start again on the details offer, the volume's words while the
page is being read. Driven by taps on the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.forms.session import Session
from kiosk.forms.snapshot import session_state
from ui.speech import Speaker

from .keyboard_taps import focused, tap_keys
from .sample_answers import answer_sets


@pytest.fixture
def typing_window(window, qtbot):
    window.activateWindow()  # key taps go to the focused box of the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


QUESTIONS = {
    "Start again, then 'No, carry on'": lambda window, qtbot: (
        _tap(qtbot, _find(window, "startAgain")),
        _tap(qtbot, window.controls.confirm.keep)),
    "the language menu, then Close": lambda window, qtbot: (
        _tap(qtbot, _find(window, "formLanguage")),
        _tap(qtbot, window.controls.menu.close_button)),
}


def _find(window, name: str):
    from PySide6.QtWidgets import QPushButton

    return next(b for b in window.findChildren(QPushButton)
                if b.isVisible() and b.objectName() == name)


@pytest.mark.parametrize("question", QUESTIONS)
def test_typing_goes_on_in_the_box_after_a_question_over_the_page(typing_window, driver,
                                                                  qtbot, question):
    """A tap on Start again or the globe, then keeping the page: the keyboard is still up,
    so its keys must type in the box again (not into the button that opened the question)."""
    window = typing_window
    driver.start("housing_assistance")
    box = window.page.inputs["full_name"].box
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "a")
    QUESTIONS[question](window, qtbot)
    assert not window.controls.confirm.isVisible() and not window.controls.menu.isVisible()
    assert window.keyboard.isVisible()
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "b")
    assert box.text() == "Ab"


def test_a_resumed_form_on_a_date_offers_next(typing_window, store, catalogue, driver, qtbot):
    """Continuing a saved form on its date page: the number pad has Next to the month, as it
    has when the page is reached by Continue."""
    window = typing_window
    session = Session(catalogue.get("renew_driving_licence"), "en")
    answers = answer_sets("renew_driving_licence")[0]
    session.continue_()  # past the introduction
    for name in ("licence_number", "full_name"):
        session.answer(name, answers[name])
        session.continue_()
    assert session.page().key.name == "date_of_birth"
    code, _ = store.drafts.save_for_later(store.drafts.new_draft_id(), session_state(session))
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    window.resume.box.setText(code)
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: window.page.session is not None)  # read off the screen's thread
    boxes = window.page.inputs["date_of_birth"].boxes
    qtbot.waitUntil(lambda: focused() is boxes["day"])
    tap_keys(qtbot, window, "7", "key_next", "3")
    assert [box.text() for box in boxes.values()] == ["7", "3", ""]
    assert focused() is boxes["month"]


def test_the_focus_comes_back_after_a_setting_on_a_forms_first_page(typing_window, driver,
                                                                     qtbot):
    """The housing form begins with a box: high contrast tapped there, the keys still type."""
    window = typing_window
    driver.start("housing_assistance")
    box = window.page.inputs["full_name"].box
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "a")
    _tap(qtbot, window.header.contrast)
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "b")
    assert box.text() == "Ab"


def test_start_again_is_on_the_details_offer(window, driver, qtbot):
    """'Use the details you gave before?' shows the citizen's details: Start again is there
    too, as on every screen of a visit, and wipes them."""
    driver.start("report_problem", "en")
    driver.complete(answer_sets("report_problem")[0])
    driver.tap_named("another")
    driver.start("renew_driving_licence", "en")
    assert window.stack.currentWidget() is window.once_only.screen
    driver.tap_named("startAgain")
    _tap(qtbot, window.controls.confirm.leave)
    assert window.stack.currentWidget() is window.attract
    assert window.once_only.profile.offer(catalogue_form(window)) == {}


def catalogue_form(window):
    return window.catalogue.get("renew_driving_licence")


def test_the_volumes_words_stay_while_the_page_is_read_again(window, driver, qtbot):
    """A tap on the volume while the page is being read: the page is read again, louder, and
    'Volume: loud' stays under the speaker (not replaced at once by 'Reading aloud…')."""
    window.voice.speaker = Speaker("mock")
    driver.start("report_problem", "en")
    _tap(qtbot, window.header.speak)
    qtbot.waitUntil(lambda: window.voice.speaker.speaking, timeout=30_000)
    states = []
    window.voice.speaker.reading.connect(states.append)
    _tap(qtbot, window.header.volume)
    qtbot.waitUntil(lambda: True in states and window.voice.speaker.volume is not None
                    and window.voice.speaker.volume >= 80, timeout=10_000)
    assert window.header.notice.text() == "Volume: loud"


def test_the_idle_warning_keeps_the_focus_from_a_box_beneath_it(typing_window, driver, qtbot):
    """Typing in the address when the idle warning covers the page: the focus stays on 'I need
    more time' (the warning is an opaque cover, named apart from the other dialogs, and was
    taken for a header setting, so the box beneath took the focus back: Enter continued the
    hidden page). After more time, the keys type in the box again."""
    window = typing_window
    driver.start("renew_driving_licence")
    answers, session = answer_sets("renew_driving_licence")[0], window.page.session
    while session.page().key.name != "address":
        driver.fill_page(answers)
        driver.tap_named("primary")
    box = window.page.inputs["address_line_1"].box
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "a")
    window.idle._start_warning()  # the quiet spell, without waiting 90 s
    press = QTest.keyClick
    press(window.windowHandle(), Qt.Key.Key_Tab)
    assert focused() is window.warning.button
    press(window.windowHandle(), Qt.Key.Key_Return)  # "I need more time"
    assert not window.warning.isVisible()
    assert session.page().key.name == "address"
    qtbot.waitUntil(lambda: focused() is box)
    tap_keys(qtbot, window, "b")
    assert box.text() == "Ab"
