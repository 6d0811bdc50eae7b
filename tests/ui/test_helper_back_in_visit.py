"""Helper mode once the helper goes back to the citizen's visit: it ends at the first of the
visit's end, a time without a helper action (2 minutes; shortened here through the window's
own option), or a tap on Lock. The citizen's own touches never keep it open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.audit_words import describe
from ui.driver import Driver
from ui.selftest import ANSWERS, FORM

from .helper_steps import helpers_ready, tap, unlock, visible_buttons
from .helpers import heading

BACK_IN_VISIT_SECONDS = 0.6


@pytest.fixture
def helping(make_window, store, qtbot):
    """A citizen's visit with a helper signed in over it, the panel open."""
    window = helpers_ready(make_window(helper_back_in_visit_seconds=BACK_IN_VISIT_SECONDS),
                           store)
    Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000)).start(FORM, "en")
    unlock(qtbot, window)
    return window


def _lock_reasons(store) -> list[str]:
    return [entry.detail.get("reason") for entry in store.staff.recent_audit(50)
            if entry.event == "helper_lock"]


def test_the_citizens_touches_do_not_keep_helper_mode_open(helping, store, qtbot):
    window = helping
    question = heading(window)
    tap(qtbot, window, "helperBack")  # "Back to the visit": the helper walks away
    assert window.helper.unlocked and heading(window) == question
    touches = []

    question_label = next(w for w in window.page.findChildren(QLabel)
                          if w.isVisible() and w.text() == question)

    def citizen_touches_the_form() -> bool:
        # The citizen keeps using the screen (before the fix each touch kept helper mode
        # open for 10 more minutes). Given to the window as the window system gives a touch,
        # so the kiosk's own input watch sees it (a click sent to a widget skips it).
        where = question_label.mapTo(window, question_label.rect().center())
        qtbot.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton, pos=where)
        touches.append(1)
        return not window.helper.unlocked

    qtbot.waitUntil(citizen_touches_the_form, timeout=20_000)
    assert len(touches) > 1
    assert not visible_buttons(window, "helperLock") and not visible_buttons(window, "helperOpen")
    assert window.stack.currentWidget() is window.page and heading(window) == question
    assert window.idle.active  # the citizen's own idle wipe watches again
    qtbot.waitUntil(lambda: "no helper action" in _lock_reasons(store))
    sentence = "Helper mode (Amina) locked itself 2 minutes after going back to the visit"
    assert any(describe(e, "en") == sentence for e in store.staff.recent_audit(20))


def test_work_on_the_panel_is_not_cut_short_and_reopening_it_counts_as_the_helpers(
        helping, qtbot):
    window = helping
    for page in ("queue", "saved", "receipts", "audit", "assist"):  # past the time
        tap(qtbot, window, "helperNav", page=page)
        qtbot.wait(150)
    assert window.helper.unlocked and window.helper.panel.isVisible()
    tap(qtbot, window, "helperBack")
    tap(qtbot, window, "helperOpen")  # the helper comes back before the time is up
    qtbot.wait(int(BACK_IN_VISIT_SECONDS * 1500))
    assert window.helper.unlocked and window.helper.panel.isVisible()
    tap(qtbot, window, "helperBack")  # and walks away again: a new 2 minutes, then locked
    qtbot.waitUntil(lambda: not window.helper.unlocked, timeout=10_000)


def test_lock_and_the_end_of_the_visit_end_helper_mode_at_once(helping, store, qtbot):
    window = helping
    driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
    tap(qtbot, window, "helperBack")
    tap(qtbot, window, "helperLock")
    assert not window.helper.unlocked
    unlock(qtbot, window)
    tap(qtbot, window, "helperBack")
    driver.complete(ANSWERS)  # the citizen sends the form and finishes
    tap(qtbot, window, "primary")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract)
    assert not window.helper.unlocked
    qtbot.waitUntil(lambda: _lock_reasons(store)[:2] == ["visit ended", "by hand"])
