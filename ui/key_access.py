"""Using the kiosk with keys alone: Tab and Shift+Tab move, Space or Enter presses (a keypad,
a keyboard, or switch access that sends those keys). WCAG 2.1.1 and EN 301 549 5.1.6.

Qt presses a focused push button with Space only (Enter only in dialogs), so Enter is added
here. Once someone has used the keys, each new page puts the focus on its first control, so
they need not Tab through the header every time; someone who only touches the screen gets no
focus frame drawn on a control they never chose."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QPlainTextEdit, QWidget

from .input_watch import stop_watching, watch_input

_PRESS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
_MOVE = {Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Space, Qt.Key.Key_Up,
         Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right, *_PRESS}


class KeyAccess(QObject):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.used = False  # this visit has been driven by keys
        self._watched = watch_input(window, self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusIn and not self.used:
            # The window is becoming active, and Qt is about to give the focus back to the
            # control that had it, or to the first one: nobody chose it, and a touch user
            # would see a frame on it.
            self._window_holds_focus(self.window.focusWidget())
            return False
        # Only keys a person pressed: the on-screen keyboard's keys are sent to the box, not
        # given to the window, and never take the focus.
        if kind != QEvent.Type.KeyPress:
            return False
        if event.key() in _MOVE:
            self.used = True
        focused = QApplication.focusWidget()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (event.key() in _PRESS and plain and isinstance(focused, QAbstractButton)
                and focused.isEnabled() and self.window.isAncestorOf(focused)):
            focused.click()
            return True
        return False

    def place_focus(self, root: QWidget) -> None:
        """A new page is on screen: focus its first control if keys are in use, else none."""
        if not self.used:
            self._window_holds_focus(QApplication.focusWidget())
            return
        start = getattr(root, "focus_start", lambda: None)()
        target = start if start is not None else first_stop(root)
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def _window_holds_focus(self, focused: QWidget | None) -> None:
        """The window itself takes the focus (it draws no frame; Tab from there goes to the
        first control); a box keeps it, as its keyboard types there."""
        if not isinstance(focused, QLineEdit | QPlainTextEdit):
            self.window.setFocus(Qt.FocusReason.OtherFocusReason)

    def reset(self) -> None:
        self.used = False

    def close(self) -> None:
        stop_watching(self._watched, self)


def first_stop(root: QWidget) -> QWidget | None:
    """The first control inside `root` that Tab stops at (in Tab's own order)."""
    widget = root.nextInFocusChain()
    while widget is not root and widget is not None:
        if root.isAncestorOf(widget) and is_tab_stop(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


def is_tab_stop(widget: QWidget) -> bool:
    """Shown, usable and reached by Tab."""
    return bool(widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
