"""Helper mode by touch: unlock with a PIN, wrong PINs and the growing lock, the 10-minute
fall-back, helping inside a visit and returning to it, saved forms, receipts, settings."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QSlider

from ui.selftest import ANSWERS, FORM

from .helper_steps import (
    PIN,
    box,
    helpers_ready,
    one_page_answered,
    press_crest,
    saved_code,
    tap,
    type_digits,
    type_pin,
    unlock,
    visible_buttons,
)
from .helpers import heading, visible_texts


@pytest.fixture
def helper_window(window, store, qtbot):
    return helpers_ready(window, store)



def _audit_events(store) -> list[tuple[str, str]]:
    return [(entry.actor, entry.event) for entry in store.staff.recent_audit(200)]


def test_a_tap_on_the_crest_does_nothing_and_a_3_second_hold_opens_the_pin_pad(window, qtbot):
    crest = window.header.crest
    assert not crest.pixmap().isNull()  # drawn once the kiosk is up
    qtbot.mousePress(crest, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    qtbot.mouseRelease(crest, Qt.MouseButton.LeftButton)
    qtbot.wait(3000)
    assert not window.helper.pad.isVisible()  # let go early: nothing happens
    qtbot.mousePress(crest, Qt.MouseButton.LeftButton)
    qtbot.wait(2500)
    assert not window.helper.pad.isVisible()
    qtbot.waitUntil(window.helper.pad.isVisible, timeout=2000)


def test_the_right_pin_opens_the_panel_and_lock_closes_it(helper_window, store, qtbot):
    window = helper_window
    unlock(qtbot, window)
    assert window.helper.helper == "Amina"
    assert window.helper.panel.isVisible() and not window.helper.pad.isVisible()
    assert "Helper mode: Amina" in visible_texts(window)
    tap(qtbot, window, "helperBack")  # on the attract screen, the panel's way out is Lock
    assert not window.helper.unlocked and not window.helper.panel.isVisible()
    qtbot.waitUntil(lambda: ("Amina", "helper_lock") in _audit_events(store))
    assert ("Amina", "helper_unlock") in _audit_events(store)


def test_wrong_pins_are_counted_then_the_pad_locks_and_counts_down(helper_window, store, qtbot):
    window = helper_window
    press_crest(qtbot, window)
    qtbot.waitUntil(window.helper.pad.isVisible)
    message = window.helper.pad.message
    for tries_left in (4, 3, 2, 1):
        type_pin(qtbot, window, "000001")
        qtbot.waitUntil(lambda t=tries_left: f"locks: {t}." in message.text())
    type_pin(qtbot, window, "000001")
    qtbot.waitUntil(lambda: "Try again in 0:30" in message.text())
    assert not any(key.isEnabled() for key in window.helper.pad.keys)
    qtbot.waitUntil(lambda: "Try again in 0:29" in message.text(), timeout=3000)
    window.helper.pad.locked(0)  # the countdown has run out (as if 30 s had passed)
    assert store.staff.try_unlock(PIN).status == "locked"  # but the store's lock is what counts
    assert not window.helper.unlocked


def test_ten_quiet_minutes_lock_helper_mode_and_the_visit_goes_on(helper_window, driver, qtbot):
    window = helper_window
    driver.start(FORM, "en")
    question = heading(window)
    unlock(qtbot, window)
    assert not window.idle.active  # no wipe behind the helper's back
    window.helper._quiet.setInterval(50)  # as if ten minutes had passed without a touch
    window.helper._quiet.start()
    qtbot.waitUntil(lambda: not window.helper.unlocked)
    assert not window.helper.panel.isVisible()
    assert window.stack.currentWidget() is window.page and heading(window) == question
    assert window.idle.active  # the citizen's own idle wipe watches again


def test_helping_inside_a_visit_records_consent_and_returns_to_the_same_page(
        helper_window, store, driver, qtbot):
    window = helper_window
    driver.start(FORM, "en")
    driver.fill_page(ANSWERS)
    driver.tap_named("primary")
    question = heading(window)
    unlock(qtbot, window)
    assert window.helper.panel.by_name["assist"].isVisible()
    assert "Would you like me to help you with this form?" in " ".join(visible_texts(window))
    assert window.page.session.assistance == []  # nothing recorded before the citizen agrees
    tap(qtbot, window, "primary", action="assist_agreed")
    assert window.page.session.assisted_by == "Amina"
    tap(qtbot, window, "helperBack")  # back to the visit, still signed in
    assert window.helper.unlocked and heading(window) == question
    tap(qtbot, window, "helperLock")
    assert not window.helper.unlocked and heading(window) == question
    reference = driver.complete(ANSWERS)
    stored = store.outbox.submission(reference)
    assert stored["assistance"][0]["helper"] == "Amina"
    assert stored["assistance"][0]["consent"] == "given"
    with store.reader() as conn:
        assert conn.execute("SELECT assisted_by FROM submissions").fetchone() == ("Amina",)
    assert ("Amina", "helper_action") in _audit_events(store)


def test_a_helper_finds_a_saved_form_by_its_code_and_continues_it(
        helper_window, store, catalogue, qtbot):
    window = helper_window
    code = saved_code(store, catalogue)
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.waitUntil(window.keyboard.isVisible)  # the kiosk's own keyboard, beside the panel
    qtbot.keyClicks(box(window, "helperCode"), "ZZZZ-ZZZZ")
    tap(qtbot, window, "primary")
    qtbot.waitUntil(lambda: any(w.objectName() == "notice" and w.isVisible()
                                for w in window.findChildren(QLabel)))
    assert window.stack.currentWidget() is window.attract  # nothing opened for a wrong code
    qtbot.keyClicks(box(window, "helperCode"), code.lower())
    tap(qtbot, window, "primary")
    qtbot.waitUntil(lambda: any("kept until" in t for t in visible_texts(window)))
    tap(qtbot, window, "primary", action="saved_continue")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.page)  # read off
    # the screen's thread
    assert window.page.session.page().key.name == "problem_detail"  # where it was left
    assert window.helper.panel.by_name["assist"].isVisible()  # and the consent comes first


def test_a_form_a_power_cut_stopped_is_offered_to_the_helper_to_continue(
        helper_window, store, catalogue, qtbot):
    """The kiosk lost power mid-visit and started again: the citizen asks staff, who find the
    form (its autosave, kept for a grace period) without any code, and carry on from there."""
    window = helper_window
    store.drafts.autosave(store.drafts.new_draft_id(), one_page_answered(catalogue))  # the page before the cut
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.waitUntil(lambda: "Stopped by a restart" in visible_texts(window))
    assert any(text.startswith("Report a problem in your area, last page saved on")
               for text in visible_texts(window))
    tap(qtbot, window, "primary", action="interrupted_continue")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.page)  # read off
    # the screen's thread
    assert window.page.session.page().key.name == "problem_detail"  # where the cut came
    window.flow.end_visit()  # the wipe: an autosave nobody chose to keep goes
    qtbot.waitUntil(lambda: store.drafts.interrupted_autosaves() == [])  # (on the database lane)


def test_an_interrupted_form_that_cannot_be_opened_says_so(helper_window, store, catalogue,
                                                           qtbot):
    window = helper_window
    state = one_page_answered(catalogue)
    store.drafts.autosave(store.drafts.new_draft_id(), {**state, "form_id": "a_form_no_longer_served"})
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    tap(qtbot, window, "primary", action="interrupted_continue")
    qtbot.waitUntil(lambda: any(text.startswith("This form cannot be opened here")
                                for text in visible_texts(window)))
    assert window.stack.currentWidget() is window.attract  # nothing half-opened


def test_the_visit_on_screen_is_not_offered_as_interrupted(helper_window, driver, store, qtbot):
    window = helper_window
    driver.start(FORM, "en")
    driver.fill_page(ANSWERS)
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: len(store.drafts.interrupted_autosaves()) == 1)  # this visit's own
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.waitUntil(lambda: not window.tasks.busy())  # the page's own look has come back
    qtbot.wait(1)
    assert "Stopped by a restart" not in visible_texts(window)


def test_a_helper_deletes_a_saved_form_when_the_citizen_asks(
        helper_window, store, catalogue, qtbot):
    window = helper_window
    code = saved_code(store, catalogue)
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.keyClicks(box(window, "helperCode"), code)
    tap(qtbot, window, "primary")
    qtbot.waitUntil(lambda: any(b.objectName() == "savedDelete" and b.isVisible()
                                for b in window.findChildren(QPushButton)))
    tap(qtbot, window, "savedDelete")
    tap(qtbot, window, "savedConfirmDelete")
    qtbot.waitUntil(lambda: "The saved form has been deleted." in visible_texts(window))
    assert store.drafts.find_draft(code).status == "unknown"
    assert ("Amina", "draft_deleted") in _audit_events(store)


def _receipts_after_a_visit(window, driver, qtbot) -> str:
    """A visit sent and ended, then a helper on the Receipts page: the visit's reference."""
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    window.flow.end_visit()
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="receipts")
    return reference


def test_a_helper_shows_a_receipt_again_by_reference(helper_window, store, driver, qtbot):
    window = helper_window
    reference = _receipts_after_a_visit(window, driver, qtbot)
    qtbot.waitUntil(lambda: any(b.property("reference") == reference
                                for b in window.findChildren(QPushButton) if b.isVisible()))
    qtbot.keyClicks(box(window, "helperReference"), reference[-5:].lower())
    tap(qtbot, window, "primary")
    qtbot.waitUntil(lambda: any(b.property("reference") == reference
                                for b in window.findChildren(QPushButton) if b.isVisible()))
    tap(qtbot, window, "receiptChoice", reference=reference)
    shown = [w.text() for w in window.findChildren(QLabel)
             if w.isVisible() and w.objectName() == "reference"]
    assert shown == [reference]
    tap(qtbot, window, "primary", action="reprint")  # this kiosk has no printer (config)
    qtbot.waitUntil(lambda: "It could not be printed" in " ".join(visible_texts(window)))
    actions = [e.detail for e in store.staff.recent_audit(50) if e.event == "helper_action"]
    assert {"action": "show_receipt", "reference": reference} in actions
    qtbot.waitUntil(lambda: {"action": "reprint", "reference": reference} in [
        e.detail for e in store.staff.recent_audit(50) if e.event == "helper_action"])


def test_settings_a_helper_changes_apply_to_the_next_visit_and_are_kept(
        helper_window, store, qtbot, make_window):
    window = helper_window
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="settings")
    tap(qtbot, window, "settingLanguage", language="fr")
    tap(qtbot, window, "settingTextSize", percent=150)
    assert "Enregistré." in visible_texts(window)  # staff screens speak the kiosk's language
    tap(qtbot, window, "helperBack")  # Lock
    assert window.appearance.text_size == 150 and window.language == "fr"  # the attract screen now
    qtbot.waitUntil(lambda: (store.settings.get("kiosk_settings") or {}).get("default_text_size") == 150)
    again = make_window()  # a restart keeps them
    assert again.settings.default_language == "fr" and again.settings.default_text_size == 150
    settings = [e.detail["setting"] for e in store.staff.recent_audit(50)
                if e.detail.get("action") == "settings_changed"]
    assert sorted(settings) == ["default_language", "default_text_size"]


def test_the_activity_log_shows_who_did_what(helper_window, store, qtbot):
    window = helper_window
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="audit")
    qtbot.waitUntil(lambda: any(w.objectName() == "auditEntry"
                                and w.text().endswith("Amina opened helper mode")
                                for w in window.findChildren(QLabel)))
    shown = [w.text() for w in window.findChildren(QLabel) if w.objectName() == "auditEntry"]
    assert not any("{" in text or "_" in text for text in shown), shown  # no JSON, no names


def test_no_helpers_yet_is_said_on_the_pad_as_it_opens(window, store, qtbot):
    """Before any digit is typed, and with the keys off: typing a PIN could open nothing."""
    window.header.crest._timer.setInterval(30)
    press_crest(qtbot, window)
    qtbot.waitUntil(window.helper.pad.isVisible)
    pad = window.helper.pad
    qtbot.waitUntil(lambda: "kiosk helper set-pin" in pad.message.text())
    assert "No helper PIN is set on this kiosk" in pad.message.text()
    assert not any(key.isEnabled() for key in pad.keys) and pad.cancel_button.isEnabled()
    qtbot.mouseClick(pad.cancel_button, Qt.MouseButton.LeftButton)
    store.staff.set_helper_pin("Amina", PIN)  # IT adds one: the pad asks for a PIN again
    qtbot.mouseRelease(window.header.crest, Qt.MouseButton.LeftButton)
    press_crest(qtbot, window)
    qtbot.waitUntil(pad.isVisible)
    assert pad.message.text() == "Enter your PIN to open helper mode."
    assert all(key.isEnabled() for key in pad.keys)


@contextmanager
def _db_lane_held(window):
    """Results of the database lane wait until the block ends (as on a busy kiosk)."""
    release = threading.Event()
    window.tasks.run("db", release.wait, 10)
    try:
        yield
    finally:
        release.set()


def _header_lock(window) -> QPushButton:
    return next(b for b in window.header.findChildren(QPushButton)
                if b.objectName() == "helperLock" and b.isVisible())


def test_the_wipe_closes_the_pin_pad_and_forgets_the_typed_digits(make_window, store, qtbot):
    window = helpers_ready(make_window(idle_seconds=0.3, idle_warning_seconds=1), store)
    window.flow.begin("en")
    press_crest(qtbot, window)
    qtbot.waitUntil(window.helper.pad.isVisible)
    type_digits(qtbot, window, PIN)  # ... and the helper is called away before Unlock
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=5000)
    pad = window.helper.pad
    if pad.isVisible() and pad.unlock_button.isEnabled():  # the next person taps Unlock
        qtbot.mouseClick(pad.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.tasks.busy())
    assert not window.helper.unlocked
    assert not pad.isVisible()


def test_cancel_while_the_pin_is_checked_does_notunlock(window, store, qtbot):
    helpers_ready(window, store)
    press_crest(qtbot, window)
    qtbot.waitUntil(window.helper.pad.isVisible)
    with _db_lane_held(window):  # the check takes a moment (scrypt, a busy database)
        type_digits(qtbot, window, PIN)
        qtbot.mouseClick(window.helper.pad.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(window.helper.pad.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert not window.helper.unlocked
    assert window.helper.panel is None or not window.helper.panel.isVisible()


def test_keyboard_done_in_a_helper_box_runs_its_action_once(
        window, store, driver, qtbot, monkeypatch):
    helpers_ready(window, store)
    reference = _receipts_after_a_visit(window, driver, qtbot)
    qtbot.waitUntil(lambda: bool(visible_buttons(window, "receiptChoice")))
    searches = []
    real = store.outbox.find_submissions
    monkeypatch.setattr(store.outbox, "find_submissions", lambda c="": searches.append(c) or real(c))
    qtbot.keyClicks(box(window, "helperReference"), reference[-4:])
    qtbot.waitUntil(window.keyboard.isVisible)
    qtbot.mouseClick(window.keyboard.key("Done"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy())
    rows = visible_buttons(window, "receiptChoice", reference=reference)
    assert len(searches) == 1
    assert len(rows) == 1


def test_a_receipt_listing_that_arrives_late_does_not_crash(
        window, store, driver, qtbot, monkeypatch):
    helpers_ready(window, store)
    reference = _receipts_after_a_visit(window, driver, qtbot)
    qtbot.waitUntil(lambda: bool(visible_buttons(window, "receiptChoice")))
    real, gate, searches = store.outbox.find_submissions, threading.Event(), []

    def second_is_slow(contains: str = "") -> list[dict]:
        searches.append(contains)
        if len(searches) == 2:
            gate.wait(10)
        return real(contains)

    monkeypatch.setattr(store.outbox, "find_submissions", second_is_slow)
    try:
        qtbot.waitUntil(window.keyboard.isVisible)
        qtbot.mouseClick(window.keyboard.key("Done"), Qt.MouseButton.LeftButton)
        tap(qtbot, window, "receiptChoice", reference=reference)  # the first answer's row
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    shown = [w.text() for w in window.helper.panel.findChildren(QLabel)
             if w.isVisible() and w.objectName() == "reference"]
    assert shown == [reference]


def test_a_late_helper_result_after_lock_leaves_no_way_into_the_panel(
        window, store, driver, qtbot, monkeypatch):
    helpers_ready(window, store)
    driver.start(FORM, "en")
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.keyClicks(box(window, "helperCode"), "ZZZZ-ZZZZ")
    with _db_lane_held(window):
        tap(qtbot, window, "primary")  # Find ...
        qtbot.mouseClick(_header_lock(window), Qt.MouseButton.LeftButton)  # ... and Lock
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert not window.helper.unlocked
    lookups = []
    real = store.drafts.find_draft
    monkeypatch.setattr(store.drafts, "find_draft", lambda code: lookups.append(code) or real(code))
    keyboard = window.keyboard
    if keyboard.isVisible():  # what the citizen can touch now
        for name in ("1", "2", "Done"):
            if keyboard.key(name) is not None:
                qtbot.mouseClick(keyboard.key(name), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.tasks.busy())
    focused = QApplication.focusWidget()
    assert focused is None or not window.helper.panel.isAncestorOf(focused)
    assert lookups == []


def test_continuing_a_saved_form_from_the_panel_keeps_the_idle_wipe_waiting(
        window, store, catalogue, qtbot):
    helpers_ready(window, store)
    code = saved_code(store, catalogue)
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.keyClicks(box(window, "helperCode"), code)
    tap(qtbot, window, "primary")
    tap(qtbot, window, "primary", action="saved_continue")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.page)  # read off the
    assert window.helper.unlocked  # screen's thread
    assert not window.idle.active


def test_continuing_a_saved_form_over_a_visit_deletes_that_visits_autosave(
        window, store, catalogue, driver, qtbot):
    helpers_ready(window, store)
    code = saved_code(store, catalogue)
    driver.start(FORM, "en")
    driver.fill_page(ANSWERS)
    driver.tap_named("primary")  # autosaved
    visit_draft = window.flow.visit.draft_id
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.keyClicks(box(window, "helperCode"), code)
    tap(qtbot, window, "primary")
    tap(qtbot, window, "primary", action="saved_continue")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.page)
    window.flow.end_visit()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    with store.reader() as conn:
        kept = [row[0] for row in conn.execute("SELECT id FROM drafts")]
    assert visit_draft not in kept


def test_a_tap_on_the_volume_track_is_applied_and_kept(window, store, qtbot):
    helpers_ready(window, store)
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="settings")
    slider = next(s for s in window.helper.panel.findChildren(QSlider) if s.isVisible())
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(slider.width() - 4, slider.height() // 2))
    assert slider.value() != 80  # the tap moved it (80 is the default)
    value = slider.value()
    qtbot.waitUntil(lambda: window.settings.volume == value)  # kept once the finger has settled
    qtbot.waitUntil(lambda: (store.settings.get("kiosk_settings") or {}).get("volume") == value)


def test_leaving_a_receipt_while_it_prints_does_not_crash(window, store, driver, qtbot):
    helpers_ready(window, store)
    reference = _receipts_after_a_visit(window, driver, qtbot)
    tap(qtbot, window, "receiptChoice", reference=reference)
    with _db_lane_held(window):  # the receipt is being made (a PDF, off the screen's thread)
        tap(qtbot, window, "primary", action="reprint")
        result_line = window.helper.panel.by_name["receipts"].print_result
        back_to_list = next(b for b in window.helper.panel.findChildren(QPushButton)
                            if b.isVisible() and b.text() == "Find a receipt")
        qtbot.mouseClick(back_to_list, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not shiboken6.isValid(result_line))  # the detail view is gone
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.helper.panel.by_name["receipts"].isVisible()
