"""The queue for staff: counts, what was refused and why, send one again, and Send now with
its progress, against a loopback service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from tests.kiosk.store_helpers import fake_submission
from tests.sync.conftest import kiosk_config
from tests.sync.scripted_service import ScriptedService


def _label(window, name: str) -> str:
    return next((w.text() for w in window.helper.panel.findChildren(QLabel)
                 if w.objectName() == name and w.isVisible()), "")


def _buttons(window, name: str) -> list[QPushButton]:
    return [b for b in window.helper.panel.findChildren(QPushButton)
            if b.objectName() == name and b.isVisible()]


def test_staff_see_the_queue_send_a_rejected_one_again_and_send_everything_now(
        tmp_path, central, kiosk, qtbot):
    with ScriptedService(central.init.public_key) as service:
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
