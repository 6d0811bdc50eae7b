"""Taps on the on-screen keyboard's keys, and the box the focus is in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton


def keyboard_key(window, name: str) -> QPushButton:
    """A key on screen, by its object name (key_next, key_enter), its accessible name, or the
    letter it types (whether Shift shows it as a capital or not)."""
    found = [k for k in window.keyboard.current_keys() if k.isVisible()
             and (k.objectName() == name or k.accessibleName() == name
                  or k.property("char") == name)]
    assert len(found) == 1, f"{len(found)} keys {name!r} on screen"
    return found[0]


def tap_keys(qtbot, window, *names: str) -> None:
    for name in names:
        qtbot.mouseClick(keyboard_key(window, name), Qt.MouseButton.LeftButton)


def focused() -> QLineEdit:
    return QApplication.focusWidget()
