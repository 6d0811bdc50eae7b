"""The queue for staff: counts, what was refused and why, send one again, and Send now with
its progress, against a loopback service."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from kiosk.store import salvage
from sync.worker import DestinationResult, RoundResult
from tests.kiosk.store_helpers import fake_submission, scribble
from tests.support.central import kiosk_config
from tests.sync.faulty_proxy import FaultyProxy, Rates
from tests.sync.scripted_service import ScriptedService
from ui.sync_runner import SyncRunner

from .helper_steps import helpers_ready, tap, unlock, visible_buttons


def _label(window, name: str) -> str:
    return next((w.text() for w in window.helper.panel.findChildren(QLabel)
                 if w.objectName() == name and w.isVisible()), "")


def _buttons(window, name: str) -> list[QPushButton]:
    return [b for b in window.helper.panel.findChildren(QPushButton)
            if b.objectName() == name and b.isVisible()]


def test_staff_see_the_queue_send_a_rejected_one_again_and_send_everything_now(
        tmp_path, central, kiosk, qtbot):
    with ScriptedService(central) as service:
        service.script = [(422, {}, {"error": "the form 'report_problem' is closed"})]
        config = kiosk_config(tmp_path, central, url=service.url)
        with config.open_store() as setup:
            setup.staff.set_helper_pin("Amina", "481516")
            for number in range(3):
                setup.outbox.submit(fake_submission(number))
        window, _ = kiosk(config)
        qtbot.waitUntil(lambda: window.sync.view is not None)  # the first round: 2 sent, 1 refused
        window.helper._signed_in("Amina")  # (the PIN pad has tests of its own)
        window.helper.panel.show_page("queue")
        qtbot.waitUntil(lambda: _label(window, "queue_rejected") == "1")
        assert _label(window, "queue_delivered") == "2"
        assert _label(window, "queue_connection") == "Online"
        panel_text = [w.text() for w in window.helper.panel.findChildren(QLabel) if w.isVisible()]
        assert "422: the form 'report_problem' is closed" in panel_text

        (retry,) = _buttons(window, "retryRejected")
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _label(window, "queue_delivered") == "3", timeout=10_000)
        assert _label(window, "queue_rejected") == "0"

        # Many more wait (the link was down, say): Send now, with its progress bar.
        with window.store.reader() as conn:
            assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 3
        for number in range(120):
            window.store.outbox.submit(fake_submission(100 + number))
        seen: list[tuple[int, int]] = []
        window.sync.progress.connect(lambda done, total: seen.append((done, total)))
        (send,) = _buttons(window, "sendNow")
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
        bar = next(b for b in window.helper.panel.findChildren(QProgressBar))
        assert bar.isVisible()
        qtbot.waitUntil(lambda: _label(window, "queue_delivered") == "123", timeout=20_000)
        assert seen[-1] == (120, 120) and len(seen) == 3  # a step per batch of 50
        assert any(w.objectName() == "notice" and "123" not in w.text() and "Done" in w.text()
                   for w in window.helper.panel.findChildren(QLabel) if w.isVisible())
        actions = [e.detail.get("action") for e in window.store.staff.recent_audit(100)
                   if e.actor == "Amina"]
        assert "send_now" in actions
        assert any(e.event == "retry_rejected" and e.actor == "Amina"
                   for e in window.store.staff.recent_audit(100))


def _db_lane_settled(qtbot, window) -> None:
    """Everything queued on the database lane so far has been delivered to the screen."""
    marker = []
    window.tasks.run("db", lambda: None, on_done=marker.append)
    qtbot.waitUntil(lambda: bool(marker))


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


def test_the_sending_page_says_what_a_damaged_copy_holds_until_it_is_salvaged(tmp_path, central,
                                                                              kiosk, qtbot):
    config = kiosk_config(tmp_path, central, url="http://127.0.0.1:9")  # offline: nothing sent
    with config.open_store() as setup:
        for number in range(20):
            setup.outbox.submit(fake_submission(number))
    scribble(config.database_path)
    window, _ = kiosk(config)  # starts as the kiosk does: the damaged file is set aside
    window.store.staff.set_helper_pin("Amina", "481516")
    window.helper._signed_in("Amina")
    window.helper.panel.show_page("queue")

    def damaged_notes() -> list[str]:
        return [w.text() for w in window.helper.panel.findChildren(QLabel)
                if w.property("damagedCopy") and w.isVisible()]

    qtbot.waitUntil(lambda: bool(damaged_notes()))
    (note,) = damaged_notes()
    assert "holds 20 forms not yet sent" in note and "kiosk salvage" in note
    assert _label(window, "queue_waiting") == "0"

    (copy,) = salvage.damaged_copies(window.store.path)
    window.store.salvage(copy)  # what `kiosk salvage` does
    window.helper.panel.show_page("queue")
    qtbot.waitUntil(lambda: _label(window, "queue_waiting") == "20")
    assert damaged_notes() == []
def test_a_wrong_address_pauses_sending_and_staff_send_every_rejected_one_again(
        tmp_path, central, kiosk, qtbot):
    # A proxy sends every POST to the wrong place (404). An older kiosk rejected five
    # submissions for it; four more wait.
    wrong = Rates(drop_mid_request=0, server_error=0, stall=0, cut_after_commit=0,
                  wrong_address=1.0)
    with FaultyProxy(int(central.url.rsplit(":", 1)[1]), rates=wrong,
                     faulty_paths=(b"/v1/submissions", b"/v1/devices")) as proxy:
        config = kiosk_config(tmp_path, central, url=proxy.url)
        with config.open_store() as setup:
            setup.staff.set_helper_pin("Amina", "481516")
            for number in range(9):
                visit = fake_submission(number)
                setup.outbox.submit(visit)
                if number < 5:
                    setup.outbox.mark_rejected(visit["instance_id"], "404: Not Found")
        window, _ = kiosk(config)
        qtbot.waitUntil(lambda: window.sync.view is not None)
        window.helper._signed_in("Amina")
        window.helper.panel.show_page("queue")
        qtbot.waitUntil(lambda: _label(window, "queue_waiting") == "4")
        assert _label(window, "queue_connection").startswith(
            "Stopped until IT acts: the address or configuration looks wrong")
        assert _label(window, "queue_rejected") == "5"  # none of the four was rejected
        # The batch refused, then three sent alone: a wave, then nothing more.
        assert proxy.counts["wrong_address"] == 1 + 3

        proxy.rates.wrong_address = 0  # IT fixed the proxy
        (again,) = _buttons(window, "retryAllRejected")
        assert again.text() == "Send all again (5)"
        qtbot.mouseClick(again, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _label(window, "queue_rejected") == "0")
        assert any(w.objectName() == "notice" and w.text() == "5 rejected forms will be sent again."
                   for w in window.helper.panel.findChildren(QLabel) if w.isVisible())
        (send,) = _buttons(window, "sendNow")
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _label(window, "queue_delivered") == "9", timeout=10_000)
        assert _label(window, "queue_connection") == "Online"
        (decision,) = [e for e in window.store.staff.recent_audit(100)
                       if e.event == "retry_all_rejected"]
        assert decision.actor == "Amina" and decision.detail == {"count": 5}
