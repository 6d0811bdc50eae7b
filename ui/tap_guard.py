"""No tap lands twice. A double tap (a hurried hand, a tremor, a screen that bounces) sends a
second press 80 to 300 ms after the first. When the first one changed the page, the second
must not press whatever the new page has in the same place: the confirmation's Finish under
Send, the next page's keyboard under Continue.

So a press that arrives within GUARD_MS of a screen or page change is ignored, with all that
follows it until the finger lifts. "Within" by two clocks: the kiosk's, and the window system's
own time on each event, for a kiosk busy drawing the new page (or a slow disk) handles the
second press late, though the finger made it 100 ms after the first. Nobody reads a new page and chooses on it that fast; typing
is not slowed, as a key press changes no page. Watched at the window (ui/input_watch.py), so
every screen, dialog and keyboard is covered by the one rule."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject
from PySide6.QtWidgets import QWidget

from .input_watch import stop_watching, watch_input

# Measured with real X events under Xvfb (tests/ui/test_real_input.py): Send to the
# confirmation on screen takes 10-40 ms, so the second tap of a double tap 80-150 ms apart
# arrives 40-140 ms after the change; 400 ms is also Qt's own double-click interval.
GUARD_MS = 400

_PRESSES = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
            QEvent.Type.TouchBegin}
_FOLLOWING = {QEvent.Type.MouseMove, QEvent.Type.TouchUpdate}
_LIFTS = {QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel}


class TapGuard(QObject):
    def __init__(self, window: QWidget, guard_ms: int = GUARD_MS):
        super().__init__(window)
        self.guard_ms = guard_ms
        self._changed = QElapsedTimer()
        self._pressed = QElapsedTimer()
        self.press_to_change_ms: int | None = None  # how long the last press took to act
        self._ignoring = False  # a press was ignored: so is the rest of it
        self._last_input: int | None = None  # the window system's time of the last press/lift
        self._input_before_change: int | None = None  # that time when the screen changed
        self.ignored = 0  # presses ignored so far (for the tests and the log)
        self._watched = watch_input(window, self)

    def changed(self) -> None:
        """A screen or page was just put up."""
        self._changed.start()
        self._input_before_change = self._last_input
        if self._pressed.isValid():
            self.press_to_change_ms = self._pressed.elapsed()

    def recent(self) -> bool:
        """Whether the screen changed less than the guard time ago."""
        return self._changed.isValid() and self._changed.elapsed() < self.guard_ms

    def _soon_after_change(self, event) -> bool:
        """Made (by the window system's clock) within the guard time of the last input before
        the screen changed: a press the kiosk only handles now, because it was busy."""
        before = self._input_before_change
        return before is not None and 0 <= event.timestamp() - before < self.guard_ms

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind in _PRESSES or kind in _LIFTS:
            late = kind in _PRESSES and self._soon_after_change(event)
            self._last_input = event.timestamp()
        if kind in _PRESSES:
            if self.recent() or late:
                self._ignoring = True
                self.ignored += 1
                return True
            self._ignoring = False
            self._input_before_change = None  # a press on the new page: it has been seen
            self._pressed.start()
            return False
        if self._ignoring and kind in _FOLLOWING:
            return True
        if self._ignoring and kind in _LIFTS:
            self._ignoring = False
            return True
        return False

    def close(self) -> None:
        stop_watching(self._watched, self)
