"""Inactivity: after a quiet spell a visible countdown, then the wipe (WCAG 2.2.1: the
warning lasts at least 20 s and "I need more time" extends it, as often as wanted)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from .input_watch import ACTIVITY, stop_watching, watch_input


class IdleWatcher(QObject):
    warn = Signal()  # show the countdown
    tick = Signal(int)  # seconds left
    expired = Signal()  # wipe the visit

    def __init__(self, window: QWidget, idle_seconds: float, warning_seconds: int):
        super().__init__()
        self.warning_seconds = warning_seconds
        self._quiet = QTimer(self, singleShot=True, interval=int(idle_seconds * 1000))
        self._quiet.timeout.connect(self._start_warning)
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._count)
        self._left = 0
        self.active = False
        self._watching = False  # active and not counting down: what the filter checks
        self._watched = watch_input(window, self)

    @property
    def warning(self) -> bool:
        return self._countdown.isActive()

    def start(self) -> None:
        """A visit began: watch for inactivity."""
        self.active = self._watching = True
        self._countdown.stop()
        self._quiet.start()

    def stop(self) -> None:
        """No visit (the attract screen): nothing to protect."""
        self.active = self._watching = False
        self._quiet.stop()
        self._countdown.stop()

    def more_time(self) -> None:
        if self.active:
            self.start()

    def eventFilter(self, watched, event) -> bool:
        # During the countdown only "I need more time" extends; a stray touch does not.
        if self._watching and event.type() in ACTIVITY:
            self._quiet.start()
        return False

    def _start_warning(self) -> None:
        self._watching = False
        self._left = self.warning_seconds
        self._countdown.start()
        self.warn.emit()
        self.tick.emit(self._left)

    def _count(self) -> None:
        self._left -= 1
        if self._left > 0:
            self.tick.emit(self._left)
            return
        self.stop()
        self.expired.emit()

    def close(self) -> None:
        self.stop()
        stop_watching(self._watched, self)
