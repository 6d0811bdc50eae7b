"""A whole visit through the real widgets: attract, services, questions, check, send, wipe."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from kiosk.config import Config
from kiosk.store import Store, codes
from ui.main_window import MainWindow

from .helpers import (
    click,
    click_tile_containing,
    everything_shown_or_kept,
    heading,
    visible_texts,
)


def drafts(store) -> int:
    return store.status()["drafts_in_progress"]


def test_a_citizen_reports_a_problem_and_the_next_person_sees_nothing(qtbot, window, store, driver):
    assert heading(window) == "Public services"
    driver.tap_named("primary", language="en")
    click_tile_containing(qtbot, window, "Report a problem")
    assert heading(window) == "What do you want to report?"
    click(qtbot, window, "Continue")  # nothing chosen yet
    assert "There is a problem" in visible_texts(window)
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Continue")
    click_tile_containing(qtbot, window, "public")
    click(qtbot, window, "Continue")
    box = next(w for w in window.findChildren(QLineEdit) if w.isVisible())
    qtbot.keyClicks(box, "Bus shelter by the library")
    click(qtbot, window, "Continue")
    click_tile_containing(qtbot, window, "not urgent")
    click(qtbot, window, "Continue")
    while heading(window) != "Check your answers before sending":
        click(qtbot, window, "Continue")  # the optional questions
    assert "Bus shelter by the library" in visible_texts(window)
    assert "Not provided" in visible_texts(window)
    qtbot.waitUntil(lambda: drafts(store) == 1)  # autosaved after every page, encrypted
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    assert heading(window) == "Your form will be sent"  # queued: no service is set up
    reference = next(w.text() for w in window.findChildren(QLabel)
                     if w.isVisible() and w.objectName() == "reference")
    stored = store.outbox.receipt(reference)
    assert stored.state == "queued" and stored.form_id == "report_problem"
    assert store.outbox.submission(reference)["answers"]["location"] == "Bus shelter by the library"
    qtbot.waitUntil(lambda: drafts(store) == 0)  # sent: the autosave has gone
    QApplication.clipboard().setText("Bus shelter by the library")
    click(qtbot, window, "Finish")
    assert heading(window) == "Public services"
    assert window.page.session is None
    assert QApplication.clipboard().text() == ""
    assert not any("Bus shelter" in text for text in everything_shown_or_kept(window))


def test_the_language_chosen_on_the_attract_screen_is_used_and_arabic_flips(qtbot, window, driver):
    driver.tap_named("primary", language="fr")
    assert heading(window) == "Que voulez-vous faire\u00a0?"
    click(qtbot, window, "العربية")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert heading(window) == "ماذا تريد أن تفعل؟"
    click(qtbot, window, "English")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_back_from_the_first_question_returns_to_the_services(qtbot, window, driver):
    driver.start("report_problem")
    click(qtbot, window, "Back")
    assert heading(window) == "What do you want to do?"


def test_walking_away_mid_visit_leaves_no_draft(qtbot, window, store, driver):
    driver.start("report_problem")
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Continue")
    qtbot.waitUntil(lambda: drafts(store) == 1)
    window.flow.end_visit()  # what the idle timeout calls
    qtbot.waitUntil(lambda: drafts(store) == 0)
    assert heading(window) == "Public services"


def test_staff_see_that_a_damaged_database_was_set_aside(qtbot, tmp_path, catalogue):
    path = tmp_path / "damaged.db"
    path.write_bytes(b"not a database" * 500)
    with Store(path) as store:
        window = MainWindow(catalogue, store, language="en")
        window.config = Config(site_id=store.site_id, printer="none")
        qtbot.addWidget(window)
        window.show()
        window.flow.begin("en")
        notices = [w.text() for w in window.findChildren(QLabel)
                   if w.isVisible() and w.objectName() == "notice"]
        window.shutdown()
        assert len(notices) == 1 and "damaged" in notices[0] and "IT" in notices[0]




def test_touching_the_screen_keeps_the_idle_wipe_away_and_stopping_brings_it(
        make_window, qtbot):
    import time

    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    from ui.driver import Driver

    window = make_window(idle_seconds=0.4, idle_warning_seconds=20)
    Driver(window, wait=lambda p: qtbot.waitUntil(p)).start("report_problem")
    # Taps on empty space, as the window system gives them to the kiosk's window, for twice
    # the quiet time: each one starts the quiet time again.
    until = time.monotonic() + 0.8
    while time.monotonic() < until:
        QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, QPoint(4, 400))
        qtbot.wait(100)
        assert not window.warning.isVisible()
    qtbot.waitUntil(window.warning.isVisible, timeout=2000)  # hands off: the warning comes
    assert window.stack.currentWidget() is window.page  # nothing wiped yet


def test_five_codes_that_open_nothing_wipe_the_visit(qtbot, window, driver):
    """Someone guessing resume codes: after the fifth wrong one the visit starts again (with
    staff), and what was typed goes with it."""
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    for attempt in range(1, 6):
        window.resume.box.setText("ABCD-EFG")
        driver.tap_named("primary")
        qtbot.waitUntil(lambda: not window.tasks.busy())  # looked up off the screen's thread
        if attempt < 5:
            assert window.stack.currentWidget() is window.resume
            assert any(w.objectName() == "error" and w.isVisible()
                       for w in window.findChildren(QLabel))
    assert window.stack.currentWidget() is window.attract
    assert window.flow.visit.failed_codes == 0  # the next person starts afresh
    assert not any("ABCD" in text for text in everything_shown_or_kept(window))


def test_after_ten_codes_that_open_nothing_the_next_visit_is_told_to_wait(qtbot, window, driver):
    """Guessing across visits: the wipe starts a new visit at once, but the kiosk's wait does
    not end with it, and the screen says plainly how long it is."""
    def valid_code(number: int) -> str:  # a right check character: not a typo, a guess
        body = f"{number:09d}"
        return body + codes.luhn.calc_check_digit(body, alphabet=codes.ALPHABET)

    said = []
    for number in range(10):
        if window.stack.currentWidget() is not window.resume:  # wiped after five: start again
            driver.tap_named("primary", language="en")
            driver.tap_named("tile", resume=True)
        window.resume.box.setText(valid_code(number))
        driver.tap_named("primary")
        qtbot.waitUntil(lambda: not window.tasks.busy())
        said = [w.text() for w in window.findChildren(QLabel)
                if w.objectName() == "error" and w.isVisible()]
    assert said == ["Too many codes that open nothing were tried at this kiosk. "
                    "Try again in 1 minute, or ask a member of staff."]
