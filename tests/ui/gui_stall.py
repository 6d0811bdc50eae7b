"""How long the GUI thread stops answering while a visit runs: a precise timer ticks every
5 ms, and the longest gap between two ticks is the longest a touch would have waited. Used by
the test of hostile patterns and by `make bench`.

Two measures of each gap: the time on the clock, and the processor time the GUI thread spent
in it (time.thread_time). On a busy machine the clock's gaps include the time the system gave
other processes; the thread's own time is only the work the kiosk did between two ticks,
which is what a form's logic can add to."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton


class TickGaps:
    """Gaps between the ticks of a 5 ms timer, from start() to stop()."""

    def __init__(self, interval_ms: int = 5):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []  # seconds on the clock
        self.work: list[float] = []  # seconds of the GUI thread's processor time
        self._last: tuple[float, float] | None = None

    def _tick(self) -> None:
        now = time.perf_counter(), time.thread_time()
        if self._last is not None:
            self.gaps.append(now[0] - self._last[0])
            self.work.append(now[1] - self._last[1])
        self._last = now

    def start(self) -> None:
        self._last = None
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def longest_ms(self) -> float:
        """The longest gap on the clock."""
        return max(self.gaps) * 1000

    @property
    def longest_work_ms(self) -> float:
        """The most processor time the GUI thread spent between two ticks."""
        return max(self.work) * 1000


class Typed:
    """Whether the Continue that type_then_continue sends has been handled."""

    def __init__(self) -> None:
        self.continued = False


def type_then_continue(window, text: str, step_ms: int = 10) -> Typed:
    """Empty the page's first box, then each key of `text` into it, then Continue, each sent
    from the event loop as a person's key presses and tap arrive: the work each starts runs in
    the loop, between the timer's ticks, where a stall would show. The box and the button are
    found as each arrives: a page drawn again since has new ones."""
    typed = Typed()

    def box() -> QLineEdit:
        return next(w for w in window.page.findChildren(QLineEdit) if w.isVisible())

    QTimer.singleShot(step_ms, lambda: box().clear())
    for number, key in enumerate(text, start=2):
        QTimer.singleShot(step_ms * number, lambda key=key: QTest.keyClicks(box(), key))

    def tap() -> None:
        primary = next(b for b in window.findChildren(QPushButton)
                       if b.isVisible() and b.objectName() == "primary")
        QTest.mouseClick(primary, Qt.MouseButton.LeftButton)  # handled before it returns
        typed.continued = True

    QTimer.singleShot(step_ms * (len(text) + 3), tap)
    return typed
