"""Review of helper mode: the defects found, each kept as a test now that it is fixed."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QSlider

from kiosk.store import FoundSubmission
from sync.worker import DestinationResult, RoundResult
from tests.kiosk.store_helpers import fake_submission
from ui.selftest import ANSWERS, FORM
from ui.sync_runner import SyncRunner

from .helper_steps import (
    PIN,
    box,
    helpers_ready,
    press_crest,
    saved_code,
    tap,
    type_digits,
    unlock,
    visible_buttons,
)


@contextmanager
def _db_lane_held(window):
    """Results of the database lane wait until the block ends (as on a busy kiosk)."""
    release = threading.Event()
    window.tasks.run("db", release.wait, 10)
    try:
        yield
    finally:
        release.set()


def _db_lane_settled(qtbot, window) -> None:
    """Everything queued on the database lane so far has been delivered to the screen."""
    marker = []
    window.tasks.run("db", lambda: None, on_done=marker.append)
    qtbot.waitUntil(lambda: bool(marker))


def _header_lock(window) -> QPushButton:
    return next(b for b in window.header.findChildren(QPushButton)
                if b.objectName() == "helperLock" and b.isVisible())


def test_the_wipe_closes_the_pin_pad_and_forgets_the_typed_digits(make_window, store, qtbot):
    window = helpers_ready(make_window(idle_seconds=0.3, idle_warning_seconds=1), store)
    window.begin("en")
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
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    window.end_visit()
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="receipts")
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
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    window.end_visit()
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="receipts")
    qtbot.waitUntil(lambda: bool(visible_buttons(window, "receiptChoice")))
    real, gate, searches = store.outbox.find_submissions, threading.Event(), []

    def second_is_slow(contains: str = "") -> list[FoundSubmission]:
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


def test_a_double_tap_on_retry_does_not_crash(window, store, qtbot):
    helpers_ready(window, store)
    refused = fake_submission(1)
    store.outbox.submit(refused)
    store.outbox.mark_rejected(refused["instance_id"], "422: the form is closed")
    unlock(qtbot, window)  # on the attract screen the panel opens on the queue
    qtbot.waitUntil(lambda: bool(visible_buttons(window, "retryRejected")))
    (retry,) = visible_buttons(window, "retryRejected")
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert store.outbox.queue_summary().counts["rejected"] == 0


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
    assert window.stack.currentWidget() is window.page and window.helper.unlocked
    assert not window.idle.active


def test_continuing_a_saved_form_over_a_visit_deletes_that_visits_autosave(
        window, store, catalogue, driver, qtbot):
    helpers_ready(window, store)
    code = saved_code(store, catalogue)
    driver.start(FORM, "en")
    driver.fill_page(ANSWERS)
    driver.tap_named("primary")  # autosaved
    visit_draft = window.draft_id
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="saved")
    qtbot.keyClicks(box(window, "helperCode"), code)
    tap(qtbot, window, "primary")
    tap(qtbot, window, "primary", action="saved_continue")
    window.end_visit()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    with store.reader() as conn:
        kept = [row[0] for row in conn.execute("SELECT id FROM drafts")]
    assert visit_draft not in kept


class _RoundsWorker:
    """A sync worker whose background round is still on the wire when Send now is pressed."""

    def __init__(self):
        self.calls: list[bool] = []
        self.background = threading.Event()
        self.send_all = threading.Event()

    def run_once(self, send_all=False, progress=None):
        self.calls.append(send_all)
        if not send_all:
            self.background.wait(10)
            return RoundResult({"central": DestinationResult(delivered=0)}, waiting=5)
        self.send_all.wait(10)
        if progress is not None:
            progress(5, 5)
        return RoundResult({"central": DestinationResult(delivered=5)}, waiting=0)

    def cancel(self):
        self.background.set()
        self.send_all.set()

    def close(self):
        pass


def test_send_now_during_a_background_round_reports_its_own_result(window, store, qtbot):
    worker = _RoundsWorker()
    try:
        helpers_ready(window, store)
        window.attach_sync(SyncRunner(window.tasks, store, lambda: worker, 3600))
        qtbot.waitUntil(lambda: worker.calls == [False])  # a round is on its way
        unlock(qtbot, window)  # on the attract screen the panel opens on the queue
        tap(qtbot, window, "sendNow")
        worker.background.set()
        qtbot.waitUntil(lambda: worker.calls == [False, True])  # Send now's round has begun
        _db_lane_settled(qtbot, window)
    finally:
        worker.cancel()
    qtbot.waitUntil(lambda: not window.sync._running)
    qtbot.waitUntil(lambda: not window.tasks.busy())
    notes = [w.text() for w in window.helper.panel.findChildren(QLabel)
             if w.objectName() == "notice" and w.isVisible()]
    assert any("5 sent" in note for note in notes), notes


def test_a_tap_on_the_volume_track_is_applied_and_kept(window, store, qtbot):
    helpers_ready(window, store)
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="settings")
    slider = next(s for s in window.helper.panel.findChildren(QSlider) if s.isVisible())
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(slider.width() - 4, slider.height() // 2))
    assert slider.value() != 80  # the tap moved it (80 is the default)
    value = slider.value()
    qtbot.waitUntil(lambda: window.volume == value)  # kept once the finger has settled
    qtbot.waitUntil(lambda: (store.settings.get("kiosk_settings") or {}).get("volume") == value)


def test_leaving_a_receipt_while_it_prints_does_not_crash(window, store, driver, qtbot):
    helpers_ready(window, store)
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    window.end_visit()
    unlock(qtbot, window)
    tap(qtbot, window, "helperNav", page="receipts")
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
