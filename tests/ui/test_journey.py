"""The citizen's journey through the real widgets, for every sample form and the ways a
visit goes wrong: errors, Back, Change, repeats, walking away, another language."""

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.forms.pages import PageKey
from kiosk.forms.session import Session
from kiosk.forms.snapshot import session_state
from tests.support.paths import ROOT

from .form_folder import one_form, open_window
from .helpers import (
    click,
    click_tile_containing,
    everything_shown_or_kept,
    heading,
    type_into_first_box,
    visible_texts,
)
from .sample_answers import FORMS, answer_sets


@pytest.mark.parametrize("form_id", FORMS)
def test_every_sample_form_can_be_completed_by_touch(form_id, window, store, driver):
    for answers in answer_sets(form_id):
        driver.start(form_id, "en")
        reference = driver.complete(answers)
        stored = store.outbox.submission(reference)
        assert stored["form_id"] == form_id
        for name, value in answers.items():
            if not isinstance(value, list | dict):
                assert str(stored["answers"][name]).replace(" ", "") == str(value).replace(" ", "")
        driver.tap_named("primary")  # Finish
        assert window.stack.currentWidget() is window.attract


def test_a_wrong_entry_is_explained_and_kept(window, driver, qtbot):
    driver.start("housing_assistance")
    driver.enter(window.page.inputs["full_name"], "Sam Example")
    driver.tap_named("primary")
    boxes = window.page.inputs["date_of_birth"].boxes
    for part, text in (("day", "31"), ("month", "2"), ("year", "1990")):
        QTest.keyClicks(boxes[part], text)
    driver.tap_named("primary")
    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    assert "There is a problem" in texts
    assert texts.count("Enter a real date, like 27 3 2007") == 2  # summary and beside the field
    kept = window.page.inputs["date_of_birth"].boxes
    assert (kept["day"].text(), kept["month"].text(), kept["year"].text()) == ("31", "2", "1990")


def test_back_and_change_keep_answers(window, driver):
    driver.start("feedback_services")
    answers = answer_sets("feedback_services")[0]
    session = window.page.session
    driver.enter(window.page.inputs["service"], answers["service"])
    driver.tap_named("primary")
    driver.tap_named("back")
    assert window.page.inputs["service"].entry() == answers["service"]
    driver.tap_named("primary")
    # Finish the form, then change the first answer from check your answers.
    while session.page().kind != "check":
        page = session.page()
        for name, widget in window.page.inputs.items():
            if name in answers:
                driver.enter(widget, answers[name])
        driver.tap_named("primary")
        assert session.page().key != page.key
    change = next(b for b in window.findChildren(QPushButton)
                  if b.isVisible() and b.accessibleName().startswith("Change Which service"))
    QTest.mouseClick(change, Qt.MouseButton.LeftButton)
    assert session.key == PageKey("question", "service")
    driver.enter(window.page.inputs["service"], "parks")
    driver.tap_named("primary")
    assert session.page().kind == "check"
    assert any(row.name == "service" and row.answer == "Parks and open spaces"
               for row in session.page().rows)


def test_add_another_and_remove_in_a_repeat(window, driver):
    driver.start("housing_assistance")
    answers = dict(answer_sets("housing_assistance")[0])
    members = answers["household"]
    session = window.page.session
    for _ in range(40):
        page = session.page()
        if page.kind == "summary":
            break
        driver.fill_page(answers)
        driver.tap_named("primary")
    assert [item.title for item in session.page().items] == [members[0]["member_name"]]
    driver.tap_named("add_another")
    for name in ("member_name", "member_age", "member_relationship"):
        driver.enter(window.page.inputs[name], members[1][name])
        driver.tap_named("primary")
    assert [item.title for item in session.page().items] == [m["member_name"] for m in members]
    remove = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.text() == "Remove"]
    QTest.mouseClick(remove[0], Qt.MouseButton.LeftButton)
    assert [item.title for item in session.page().items] == [members[1]["member_name"]]


def test_an_arabic_visit_is_right_to_left_throughout(window, driver):
    driver.start("report_problem", "ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert heading(window) == "عمَّ تريد الإبلاغ؟"
    continue_button = next(b for b in window.findChildren(QPushButton)
                           if b.isVisible() and b.objectName() == "primary")
    back = next(b for b in window.findChildren(QPushButton)
                if b.isVisible() and b.objectName() == "back")
    # Back sits on the right and Continue on the left in a right-to-left layout.
    assert back.mapTo(window, back.rect().center()).x() > continue_button.mapTo(
        window, continue_button.rect().center()).x()


def test_walking_away_warns_then_wipes(make_window, store, qtbot):
    window = make_window(idle_seconds=0.3, idle_warning_seconds=2)
    from ui.driver import Driver
    driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
    driver.start("report_problem")
    driver.enter(window.page.inputs["category"], "graffiti")
    driver.tap_named("primary")
    driver.enter(window.page.inputs["problem_detail"], "graffiti_public_property")
    driver.tap_named("primary")
    driver.enter(window.page.inputs["location"], "Wipe Test Lane")
    qtbot.waitUntil(window.warning.isVisible, timeout=5000)
    assert "cleared in 2 seconds" in window.warning.body.text()
    QTest.mouseClick(window.warning.button, Qt.MouseButton.LeftButton)  # I need more time
    assert not window.warning.isVisible()
    assert window.page.inputs["location"].entry() == "Wipe Test Lane"  # nothing lost
    qtbot.waitUntil(window.warning.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=5000)
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert not any("Wipe Test Lane" in t or "graffiti" in t.lower()
                   for t in everything_shown_or_kept(window))
    assert QApplication.clipboard().text() == ""
    assert store.status()["drafts_in_progress"] == 0
    assert window.language == "en" and window.appearance.text_size == 100


def test_the_warning_can_be_extended_again_and_again(make_window, qtbot):
    window = make_window(idle_seconds=0.1, idle_warning_seconds=20)
    window.flow.begin("en")
    for _ in range(10):  # WCAG 2.2.1: at least ten times
        qtbot.waitUntil(window.warning.isVisible, timeout=5000)
        QTest.mouseClick(window.warning.button, Qt.MouseButton.LeftButton)
        assert not window.warning.isVisible()
    assert window.stack.currentWidget() is window.services


def test_text_size_sits_in_the_header_of_every_screen(window, driver, qtbot):
    def size_buttons():
        return [b for b in window.findChildren(QPushButton)
                if b.isVisible() and b.objectName() == "textSize"]

    assert len(size_buttons()) == 3  # attract
    driver.tap_named("primary", language="en")
    assert len(size_buttons()) == 3  # services
    driver.tap_named("tile", form_id="report_problem")
    before = QFont(window.page.findChild(QLabel, "heading").font()).pixelSize()
    QTest.mouseClick(size_buttons()[2], Qt.MouseButton.LeftButton)  # 200 %
    heading_label = next(w for w in window.findChildren(QLabel)
                         if w.isVisible() and w.objectName() == "heading")
    assert heading_label.font().pixelSize() >= 2 * before - 1
    assert size_buttons()[2].isChecked()


def test_the_kiosk_cannot_be_closed_or_escaped(window, driver, qtbot):
    driver.start("report_problem")
    window.close()
    assert window.isVisible()
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible() and window.stack.currentWidget() is window.page


def test_saving_runs_off_the_main_thread(window, store, driver, monkeypatch, qtbot):
    threads = []
    real_submit = store.outbox.submit

    def recording_submit(*args, **kwargs):
        threads.append(threading.current_thread())
        return real_submit(*args, **kwargs)

    monkeypatch.setattr(store.outbox, "submit", recording_submit)
    driver.start("report_problem")
    driver.complete(answer_sets("report_problem")[1])
    assert threads and threads[0] is not threading.main_thread()


def test_self_test_command_completes_a_visit_into_a_real_store():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "ui.cli", "self-test"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "", "HOME": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "self-test passed" in result.stdout and "SELFTEST-" in result.stdout


def test_save_and_finish_later_then_continue_with_the_code(window, store, driver, qtbot):
    driver.start("housing_assistance")
    driver.enter(window.page.inputs["full_name"], "Sam Later")
    driver.tap_named("primary")
    driver.tap_named("save_later")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    code = next(w.text() for w in window.findChildren(QLabel)
                if w.isVisible() and w.objectName() == "reference")
    assert len(code) == 11 and code[5] == "-"  # XXXXX-XXXXX
    driver.tap_named("primary")  # Finish: the wipe keeps a saved draft
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert store.status()["drafts_saved"] == 1
    assert not any("Sam Later" in t for t in everything_shown_or_kept(window))

    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    box = window.resume.box
    QTest.keyClicks(box, code[:-1] + ("A" if code[-1] != "A" else "B"))  # one wrong character
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: any("one of its characters is not right" in t
                                for t in everything_shown_or_kept(window)))
    QTest.keyClicks(window.resume.box, code.lower().replace("-", " "))
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: window.page.session is not None)  # read off the screen's thread
    session = window.page.session
    assert session is not None and session.key.name == "date_of_birth"
    driver.tap_named("back")
    assert window.page.inputs["full_name"].entry() == "Sam Later"
    answers = dict(answer_sets("housing_assistance")[1], full_name="Sam Later")
    reference = driver.complete(answers)
    assert store.outbox.submission(reference)["answers"]["full_name"] == "Sam Later"
    qtbot.waitUntil(lambda: store.status()["drafts_saved"] == 0)  # sent: the draft is gone


def test_a_full_day_box_moves_on_to_the_month_and_then_the_year(window, driver, qtbot):
    driver.start("housing_assistance")
    driver.enter(window.page.inputs["full_name"], "Sam Example")
    driver.tap_named("primary")
    boxes = window.page.inputs["date_of_birth"].boxes
    boxes["day"].setFocus()
    qtbot.waitUntil(lambda: boxes["day"].hasFocus())
    QTest.keyClicks(QApplication.focusWidget(), "07")
    assert boxes["month"].hasFocus()
    QTest.keyClicks(QApplication.focusWidget(), "03")
    assert boxes["year"].hasFocus()
    QTest.keyClicks(QApplication.focusWidget(), "1985")
    assert [boxes[p].text() for p in ("day", "month", "year")] == ["07", "03", "1985"]


def test_revisiting_a_decimal_page_keeps_the_number(qtbot, store, tmp_path):
    folder = one_form(tmp_path, """\
        - {type: decimal, name: amount, label: How much, required: true}
        - {type: text, name: remarks, label: Any remarks}
        """)
    window = open_window(qtbot, store, folder)
    click_tile_containing(qtbot, window, "Review form")
    type_into_first_box(qtbot, window, "12345678901.25")
    click(qtbot, window, "Continue")
    click(qtbot, window, "Back")
    click(qtbot, window, "Continue")  # unchanged
    assert heading(window) == "Any remarks", visible_texts(window)
    assert window.page.session._values["amount"] == 12345678901.25


def test_a_saved_draft_that_cannot_be_opened_is_explained(window, store, catalogue, driver, qtbot):
    session = Session(catalogue.get("report_problem"), "en")
    draft_id = store.drafts.new_draft_id()
    code, _ = store.drafts.save_for_later(draft_id, session_state(session))
    with store._db.writing() as conn:  # as after restoring the database onto a re-imaged kiosk
        conn.execute("UPDATE drafts SET payload = ? WHERE id = ?", (b"\x00" * 64, draft_id))
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    QTest.keyClicks(window.resume.box, code)
    with qtbot.captureExceptions() as exceptions:
        driver.tap_named("primary")
        qtbot.waitUntil(lambda: not window.tasks.busy())  # read off the screen's thread
    assert exceptions == []
    assert window.stack.currentWidget() is window.resume
    assert [w for w in window.findChildren(QLabel) if w.isVisible() and w.objectName() == "error"]
