"""Sync in the kiosk: the citizen sees their form go, the attract screen says what waits,
and a slow or absent service never holds the screen up."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tests.support.central import kiosk_config
from tests.sync.scripted_service import ScriptedService
from ui.selftest import ANSWERS, FORM


def _text(window, name: str) -> str:
    return next((w.text() for w in window.findChildren(QLabel) if w.objectName() == name), "")


def test_the_citizen_sees_their_form_sent_and_the_kiosk_says_all_is_sent(tmp_path, central, kiosk, qtbot):
    window, driver = kiosk(kiosk_config(tmp_path, central))
    qtbot.waitUntil(lambda: window.sync.view is not None)  # the first round, at start
    assert _text(window, "sync_status") == "All forms from this kiosk have been sent."
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    assert reference
    qtbot.waitUntil(lambda: _text(window, "delivery") == "It has been sent to the service.")
    assert window.done.heading.text() == "Your form has been sent"
    window.flow.end_visit()
    assert _text(window, "sync_status") == "All forms from this kiosk have been sent."


def test_offline_the_form_is_kept_and_the_kiosk_says_how_many_wait(tmp_path, central, kiosk, qtbot):
    window, driver = kiosk(kiosk_config(tmp_path, central, url="http://127.0.0.1:9"))
    driver.start(FORM, "en")
    driver.complete(ANSWERS)
    assert _text(window, "delivery").startswith("It is stored safely on this kiosk")
    assert window.done.heading.text() == "Your form will be sent"
    qtbot.waitUntil(lambda: window.sync.view is not None and window.sync.view.waiting == 1)
    window.flow.end_visit()
    assert _text(window, "sync_status").startswith("Forms waiting to be sent: 1.")
    assert _text(window, "delivery") == ""  # the wipe took the last visit's words too


def test_a_stalled_service_never_holds_up_the_screen(tmp_path, central, kiosk, qtbot):
    with ScriptedService(central) as service:
        window, driver = kiosk(kiosk_config(tmp_path, central, url=service.url,
                                            timeout_seconds=3))
        qtbot.waitUntil(lambda: window.sync.view is not None)
        service.script = [("silence", 2.5, None)]
        driver.start(FORM, "en")
        driver.complete(ANSWERS)
        assert window.sync._running  # the round is out waiting for an answer...
        driver.tap_named("primary")  # ...while the citizen finishes and the next one starts
        assert window.stack.currentWidget() is window.attract
        driver.start(FORM, "en")
        assert window.stack.currentWidget() is window.page
        assert window.sync._running
        qtbot.waitUntil(lambda: not window.sync._running, timeout=15_000)
