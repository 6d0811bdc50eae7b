"""Sync in the kiosk: the worker's rounds on the network lane, never on the screen's thread.

A round runs every sync_interval_seconds and right after each submission (so a form goes out
while the citizen is still reading its reference). Results come back as a plain summary the
screens show: everything sent, some waiting, or paused (IT must act).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal


@dataclass(frozen=True)
class SyncView:
    state: str  # "sent", "waiting", "paused"
    waiting: int = 0
    detail: str = ""  # for staff and logs: the worker's own words (no citizen data)


def view_of(result) -> SyncView:
    if result.stopped:
        reasons = "; ".join(r.message for r in result.destinations.values() if r.state == "stopped")
        return SyncView("paused", result.waiting, reasons)
    if result.waiting:
        offline = "; ".join(r.message for r in result.destinations.values() if r.state == "offline")
        return SyncView("waiting", result.waiting, offline)
    return SyncView("sent")


class SyncRunner(QObject):
    changed = Signal(object)  # SyncView
    forms_changed = Signal(object)  # the new Catalogue, loaded off the screen's thread

    def __init__(self, tasks, make_worker: Callable[[], object], interval_seconds: float,
                 load_catalogue: Callable[[], object] | None = None):
        super().__init__()
        self.tasks = tasks
        self._make_worker = make_worker
        self._load_catalogue = load_catalogue
        self._worker = None
        self._running = False
        self._again = False
        self._closed = False
        self.view: SyncView | None = None
        self._timer = QTimer(self, interval=max(1000, int(interval_seconds * 1000)))
        self._timer.timeout.connect(self.nudge)

    def start(self) -> None:
        self._timer.start()
        self.nudge()

    def nudge(self) -> None:
        """Run a round now, or straight after the one in progress."""
        if self._closed:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self.tasks.run("net", self._round, on_done=self._done, on_error=self._failed)

    def _round(self):
        if self._worker is None:  # built on the network lane: it touches the database
            self._worker = self._make_worker()
        result = self._worker.run_once()
        catalogue = None
        if result.forms_changed and self._load_catalogue is not None:
            catalogue = self._load_catalogue()
        return result, catalogue

    def _done(self, outcome) -> None:
        result, catalogue = outcome
        self._running = False
        self.view = view_of(result)
        self.changed.emit(self.view)
        if catalogue is not None:
            self.forms_changed.emit(catalogue)
        if self._again:
            self._again = False
            self.nudge()

    def _failed(self, error: BaseException) -> None:
        self._running = False
        # A bug or a store error in a round must not take the kiosk down: say it, go on.
        print(f"sync round failed: {error.__class__.__name__}: {error}", file=sys.stderr)

    def close(self) -> None:
        """Stop the timer; the caller shuts the task lanes down, then the worker closes."""
        self._closed = True
        self._timer.stop()

    def close_worker(self) -> None:
        if self._worker is not None:
            self._worker.close()
