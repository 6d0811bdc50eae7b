"""Work on the database lane that finishes after the visit moved on (the idle wipe, the next
person, a change of text size) never shows to the next person or undoes what they do; a slow
disk is simulated by holding the store's method until the test lets it go."""

import json
import threading

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from tests.support.paths import ROOT
from ui.driver import Driver

ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"


def first_answer_set(form_id):
    lines = (ANSWERS / f"{form_id}.valid.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(next(line for line in lines if line.strip()))


def to_check_page(window, driver, form_id="report_problem"):
    """Answer every page, stopping at check-your-answers (before Send)."""
    answers = first_answer_set(form_id)
    driver.start(form_id)
    for _ in range(200):
        page = window.page.session.page()
        if page.kind == "check":
            return
        for name, widget in window.page.inputs.items():
            value = driver._value_for(window.page.session, page, name, answers)
            if value is not None:
                driver.enter(widget, value)
        driver.tap_named("primary")
    raise AssertionError("never reached check your answers")


def gate(store, monkeypatch, method):
    """Hold `store.<method>` on the db lane until the returned event is set."""
    release = threading.Event()
    real = getattr(store, method)

    def held(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, held)
    return release


def shown_reference(window):
    return [w.text() for w in window.findChildren(QLabel)
            if w.isVisible() and w.objectName() == "reference"]


def test_a_reference_arriving_after_the_idle_wipe_is_not_shown_to_the_next_person(
        make_window, store, qtbot, monkeypatch):
    window = make_window(idle_seconds=0.3, idle_warning_seconds=1)
    driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
    to_check_page(window, driver)
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send; the disk is slow today
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=5000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.stack.currentWidget() is window.attract
    assert shown_reference(window) == []


def test_a_late_submission_result_does_not_wipe_the_next_persons_visit(
        window, store, driver, qtbot, monkeypatch):
    to_check_page(window, driver)
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send
        window.flow.end_visit()  # what the idle timeout calls
        driver.start("report_problem")  # the next person starts at once
        driver.enter(window.page.inputs["category"], "graffiti")
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.stack.currentWidget() is window.page
    assert window.page.session is not None
    assert window.flow.visit.draft_id is not None


def test_a_resume_code_arriving_after_the_wipe_is_not_shown(window, store, driver, qtbot, monkeypatch):
    driver.start("housing_assistance")
    driver.enter(window.page.inputs["full_name"], "Sam Later")
    driver.tap_named("primary")
    release = gate(store.drafts, monkeypatch, "save_for_later")
    try:
        driver.tap_named("save_later")
        window.flow.end_visit()  # the idle timeout
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.stack.currentWidget() is window.attract
    assert shown_reference(window) == []


def test_a_resumed_draft_is_deleted_once_sent_even_if_the_visit_was_wiped_meanwhile(
        window, store, driver, qtbot, monkeypatch):
    to_check_page(window, driver)
    window.flow.save_for_later()  # (as from any question page)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    code = shown_reference(window)[0]
    driver.tap_named("primary")  # Finish
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    QTest.keyClicks(window.resume.box, code)
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: window.page.session is not None)  # read off the screen's thread
    assert window.page.session.page().kind == "check"
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send
        window.flow.end_visit()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert store.status()["submissions"]["queued"] == 1
    assert store.status()["drafts_saved"] == 0


def test_a_saved_form_read_after_the_wipe_is_not_opened_for_the_next_person(
        window, store, driver, qtbot, monkeypatch):
    """A code is looked up off the screen's thread: if the visit is wiped meanwhile (the idle
    timeout), the form it opens must not appear in front of the next person."""
    to_check_page(window, driver)
    window.flow.save_for_later()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    code = shown_reference(window)[0]
    driver.tap_named("primary")  # Finish
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    QTest.keyClicks(window.resume.box, code)
    release = gate(store.drafts, monkeypatch, "find_draft")
    try:
        driver.tap_named("primary")  # Continue: the disk is slow today
        window.flow.end_visit()  # the idle timeout
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.stack.currentWidget() is window.attract
    assert window.page.session is None
    assert store.status()["drafts_saved"] == 1  # still there for the citizen who saved it


def test_changing_the_text_size_while_sending_does_not_offer_send_again(
        window, store, driver, qtbot, monkeypatch):
    to_check_page(window, driver)
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send
        size = next(b for b in window.findChildren(QPushButton)
                    if b.isVisible() and b.objectName() == "textSize" and b.property("percent") == 150)
        QTest.mouseClick(size, Qt.MouseButton.LeftButton)
        send_again = any(b.objectName() == "primary" for b in driver.buttons())
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert not send_again
