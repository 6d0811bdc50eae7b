"""A whole visit with the keys alone: Tab to move, Space or Enter to press, and typing into
boxes (a keypad, a keyboard, or switch access sending those keys). WCAG 2.1.1, 2.1.2."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from ui.driver import Driver
from ui.inputs import LineInput, PartsInput, TilesInput

from .sample_answers import FORMS, answer_sets

MOST_TABS = 80


def press(window, key, text: str = "") -> None:
    """A key as the window system gives it: to the kiosk's window, which passes it on to the
    control with the focus (the way the kiosk watches keys, see ui/input_watch.py)."""
    QTest.keyClick(window.windowHandle(), key)


def tab_to(window, wanted) -> None:
    """Tab until `wanted` (a widget, or a test on the focused widget) has the focus."""
    test = wanted if callable(wanted) and not hasattr(wanted, "setFocus") else (lambda w: w is wanted)
    for _ in range(MOST_TABS):
        focused = QApplication.focusWidget()
        if focused is not None and test(focused):
            return
        press(window, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached it; focus is on {QApplication.focusWidget()}")


def type_into(window, box, text: str) -> None:
    tab_to(window, box)
    QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(box, Qt.Key.Key_Backspace)
    QTest.keyClicks(box, text)


def fill_with_keys(window, answers) -> None:
    session = window.page.session
    page = session.page()
    for name, widget in window.page.inputs.items():
        value = Driver._value_for(session, page, name, answers)
        if value is None:
            continue
        if isinstance(widget, LineInput):
            type_into(window, widget.box, str(value))
        elif isinstance(widget, PartsInput):
            for part, text in Driver.parts_of(widget, value).items():
                type_into(window, widget.boxes[part], text)
        elif isinstance(widget, TilesInput):
            wanted = value if isinstance(value, list) else [value]
            for tile, option in widget.names.items():
                should = bool(value) if widget.question.type == "acknowledge" else option in wanted
                if tile.isChecked() != should:
                    tab_to(window, tile)
                    press(window, Qt.Key.Key_Space)
                    assert tile.isChecked() == should


def press_named(window, object_name: str, key=Qt.Key.Key_Return, **properties) -> None:
    tab_to(window, lambda w: isinstance(w, QPushButton) and w.objectName() == object_name
           and all(w.property(k) == v for k, v in properties.items()))
    press(window, key)


@pytest.mark.parametrize("form_id", FORMS)
def test_a_whole_visit_with_the_keys_alone(form_id, window, store, qtbot):
    answers = answer_sets(form_id)[0]
    assert not isinstance(QApplication.focusWidget(), QPushButton)  # no frame drawn yet
    press_named(window, "primary", Qt.Key.Key_Space, language="en")
    assert window.stack.currentWidget() is window.services
    press_named(window, "tile", form_id=form_id)
    assert window.stack.currentWidget() is window.page
    session = window.page.session
    pages = 0
    while session.page().kind != "check":
        page = session.page()
        # Keys are in use: each new page starts with the focus on its first control (on a
        # page with nothing to answer, notes or worked-out amounts, on Continue).
        focused = QApplication.focusWidget()
        assert window.page.content.isAncestorOf(focused) or (
            focused.objectName() == "primary"
            and all(q.type == "note" or q.read_only for q in page.questions)), page.key
        if page.kind == "summary":
            given = answers.get(page.key.name) or []
            press_named(window, "add_another" if len(page.items) < len(given) else "primary")
            continue
        fill_with_keys(window, answers)
        focused = QApplication.focusWidget()
        if isinstance(focused, QLineEdit):
            press(window, Qt.Key.Key_Return)  # Enter in a box is Continue
        else:
            press_named(window, "primary")
        after = session.page()
        assert after.key != page.key, [p.message for p in after.problems]
        pages += 1
    assert pages >= 3
    press_named(window, "primary")  # Send
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    assert store.status()["submissions"]["queued"] == 1
    press_named(window, "primary")  # Finish
    assert window.stack.currentWidget() is window.attract
    assert not window.keys.used  # the next person starts afresh


def test_every_option_is_a_stop_for_tab_and_one_is_chosen_at_a_time(window, driver, qtbot):
    driver.start("feedback_services")
    tiles = list(window.page.inputs["service"].names)
    assert len(tiles) >= 3
    for tile in tiles:  # an exclusive group would let Tab reach only the chosen one
        tab_to(window, tile)
    tab_to(window, tiles[0])
    press(window, Qt.Key.Key_Space)
    tab_to(window, tiles[2])
    press(window, Qt.Key.Key_Return)
    assert [t.isChecked() for t in tiles[:3]] == [False, False, True]
    press(window, Qt.Key.Key_Space)  # pressing the chosen one again keeps it chosen
    assert tiles[2].isChecked()


def test_a_many_line_box_lets_tab_move_on(window, driver, qtbot):
    driver.start("feedback_services")
    answers = answer_sets("feedback_services")[0]
    for _ in range(10):
        boxes = [w for w in window.page.content.findChildren(QPlainTextEdit) if w.isVisible()]
        if boxes:
            break
        driver.fill_page(answers)
        driver.tap_named("primary")
    box = boxes[0]
    type_into(window, box, "Longer opening hours")
    press(window, Qt.Key.Key_Tab)
    assert box.toPlainText() == "Longer opening hours"  # no tab typed: the focus moved on
    assert QApplication.focusWidget() is not box


def test_a_modal_dialog_keeps_the_focus(window, driver, qtbot):
    driver.start("housing_assistance")
    window.idle._start_warning()
    assert QApplication.focusWidget() is window.warning.button
    for _ in range(5):
        press(window, Qt.Key.Key_Tab)
        assert window.warning.isAncestorOf(QApplication.focusWidget())
    press(window, Qt.Key.Key_Return)
    assert not window.warning.isVisible()


def test_the_screen_keyboards_done_continues_once(window, driver, qtbot):
    """Done on the on-screen keyboard is the box's Enter: one page on, never two."""
    driver.start("housing_assistance")
    session = window.page.session
    first = session.page().key
    driver.enter(window.page.inputs["full_name"], "Sam Example")
    done = next(k for k in window.keyboard.current_keys() if k.objectName() == "key_enter")
    QTest.mouseClick(done, Qt.MouseButton.LeftButton)
    assert session.page().key != first
    assert session.page().key.name == "date_of_birth"


def test_touch_alone_draws_no_focus_frame(window, driver):
    """Someone who only touches gets no frame on a control they did not choose."""
    driver.start("feedback_services")
    focused = QApplication.focusWidget()
    assert focused is None or not isinstance(focused, QPushButton)


def test_the_window_becoming_active_again_puts_no_frame_on_a_control(window, driver, qtbot):
    """Another window was in front (a maintenance tool, a system notice) and the kiosk comes
    back: Qt would focus its first control, a frame nobody chose. The window keeps it."""
    driver.start("feedback_services")
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    window.focusWidget().clearFocus()  # nothing to give the focus back to: Qt picks one
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert not isinstance(QApplication.focusWidget(), QPushButton)
    press(window, Qt.Key.Key_Tab)  # and Tab still starts at the first control
    assert isinstance(QApplication.focusWidget(), QPushButton)
