"""The docked on-screen keyboard: shown with the box it types into, switched to that box's keys
when the focus moves, and its Done key doing what the box's Enter would."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton, QWidget

if TYPE_CHECKING:
    from .host import Host


class KeyboardDock(QObject):
    def __init__(self, host: Host, window: QWidget):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.window = window  # boxes outside it (another application's) are not the kiosk's
        host.keyboard.done.connect(self._done)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

    def offer(self, box: QWidget | None) -> None:
        """A page with a box to type in shows its keyboard at once, focused on the box."""
        keyboard = self.host.keyboard
        if box is None:
            keyboard.hide()
            screen = self.host.stack.currentWidget()
            if screen is not None:
                self.host.keys.place_focus(screen)
            return
        keyboard.set_mode(box.property("keyboard") or "text")
        keyboard.show()
        box.setFocus(Qt.FocusReason.OtherFocusReason)

    def _done(self) -> None:
        """Done: in a one-line box it was that box's Enter, which does the box's action (on a
        page, Continue), as a real keyboard's Enter does; in a box of the helper panel never
        the visit's Continue underneath; in a many-line box on a page, Continue."""
        host = self.host
        if isinstance(QApplication.focusWidget(), QLineEdit):
            return
        if host.tap_guard.recent():
            return  # its Return already moved the page on: this Done is not for the new one
        panel = host.helper.panel if host.helper is not None else None
        if panel is not None and panel.isVisible():
            return  # the box already had its Return key: that is its action
        if host.stack.currentWidget() is host.page:
            host.page.press_continue()

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        # Moving to another box (a date's month, say) switches to its keyboard. Tapping a
        # button does not hide it: the page decides whether a keyboard belongs on it.
        if new is None or not self.window.isAncestorOf(new):
            return
        if isinstance(new, QLineEdit | QPlainTextEdit):
            self.host.keyboard.set_mode(new.property("keyboard") or "text")
            self.host.keyboard.show()
        if not _pressed_button(new):
            # Once the layout has made room for the keyboard, the focused control is scrolled
            # into view (at 200 % on a small screen the page's view can be short).
            from .typing_flow import keep_in_sight

            QTimer.singleShot(0, lambda: keep_in_sight(new))


def _pressed_button(widget: QWidget) -> bool:
    """A button that took the focus from a finger on it: moving it now would take it from
    under the finger, and the tap (on a tile half in view, say) would press nothing."""
    return (isinstance(widget, QPushButton)
            and QApplication.mouseButtons() != Qt.MouseButton.NoButton)
