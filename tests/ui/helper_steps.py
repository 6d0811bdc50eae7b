"""Steps a helper takes by touch, shared by the helper-mode widget tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from kiosk.forms.session import Session
from kiosk.forms.snapshot import session_state
from ui.selftest import ANSWERS, FORM

PIN = "481516"


def helpers_ready(window, store):
    store.staff.set_helper_pin("Amina", PIN)
    window.header.crest._timer.setInterval(30)  # the real 3 s hold has a test of its own
    return window


def press_crest(qtbot, window) -> None:
    qtbot.mousePress(window.header.crest, Qt.MouseButton.LeftButton)


def type_digits(qtbot, window, pin: str) -> None:
    pad = window.helper.pad
    for digit in pin:
        qtbot.mouseClick(next(k for k in pad.keys if k.text() == digit), Qt.MouseButton.LeftButton)


def type_pin(qtbot, window, pin: str) -> None:
    type_digits(qtbot, window, pin)
    qtbot.mouseClick(window.helper.pad.unlock_button, Qt.MouseButton.LeftButton)


def unlock(qtbot, window, pin: str = PIN) -> None:
    press_crest(qtbot, window)
    qtbot.waitUntil(window.helper.pad.isVisible)
    type_pin(qtbot, window, pin)
    qtbot.waitUntil(lambda: window.helper.unlocked)


def visible_buttons(window, object_name: str, **properties) -> list[QPushButton]:
    # On the panel when it is open: the screen underneath still has its own (covered) buttons.
    panel = window.helper.panel
    where = panel if panel is not None and panel.isVisible() else window
    return [b for b in where.findChildren(QPushButton) if b.isVisible()
            and b.objectName() == object_name
            and all(b.property(k) == v for k, v in properties.items())]


def tap(qtbot, window, object_name: str, **properties) -> None:
    qtbot.waitUntil(lambda: bool(visible_buttons(window, object_name, **properties)))
    qtbot.mouseClick(visible_buttons(window, object_name, **properties)[0],
                     Qt.MouseButton.LeftButton)


def box(window, object_name: str) -> QLineEdit:
    return next(w for w in window.findChildren(QLineEdit)
                if w.objectName() == object_name and w.isVisible())


def one_page_answered(catalogue) -> dict:
    """A citizen's visit with its first page answered, as the store keeps it."""
    session = Session(catalogue.get(FORM), "en")
    session.answer("category", ANSWERS["category"])
    session.continue_()
    return session_state(session)


def saved_code(store, catalogue) -> str:
    """A citizen's form saved for later (one page answered); its resume code."""
    code, _ = store.drafts.save_for_later(store.drafts.new_draft_id(), one_page_answered(catalogue))
    return code
