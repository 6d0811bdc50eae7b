"""Sync in the kiosk: the worker's rounds on the network lane, never on the screen's thread.

A round runs every sync_interval_seconds and right after each submission (so a form goes out
while the citizen is still reading its reference). Results come back as a plain summary the
screens show: everything sent, some waiting, or paused (IT must act).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:  # sync is imported on the network lane, not at the kiosk's start
    from sync.worker import RoundResult


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


class RoundWorker(Protocol):
    """What the runner asks of sync.worker.SyncWorker (the tests give it stand-ins)."""

    def run_once(self, send_all: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> RoundResult: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


class SyncRunner(QObject):
    changed = Signal(object)  # SyncView
    forms_changed = Signal(object)  # the new Catalogue, loaded off the screen's thread
    finished = Signal(object, bool)  # the RoundResult, and whether it was "Send now"
    progress = Signal(int, int)  # done, total: during "Send now"

    def __init__(self, tasks, store, make_worker: Callable[[], RoundWorker],
                 interval_seconds: float, load_catalogue: Callable[[], object] | None = None):
        super().__init__()
        self.tasks = tasks
        self._store = store
        self._make_worker = make_worker
        self._load_catalogue = load_catalogue
        self._worker: RoundWorker | None = None
        self._running = False
        self._again = False
        self._send_all_next = False
        self._closed = False
        self.view: SyncView | None = None
        self._timer = QTimer(self, interval=max(1000, int(interval_seconds * 1000)))
        self._timer.timeout.connect(self.nudge)

    def start(self) -> None:
        self._timer.start()
        self.nudge()

    def nudge(self, send_all: bool = False) -> None:
        """Run a round now, or straight after the one in progress. `send_all` is staff's
        "Send now": everything waiting, whatever its backoff."""
        if self._closed:
            return
        if self._running:
            self._again = True
            self._send_all_next = self._send_all_next or send_all
            return
        self._running = True
        self.tasks.run("net", self._round, send_all, on_done=self._done, on_error=self._failed)

    def send_now(self) -> None:
        self.nudge(send_all=True)

    def _round(self, send_all: bool = False) -> tuple[RoundResult, object, bool]:
        from sync.lock import SyncBusy
        from sync.worker import RoundResult

        if self._worker is None:  # built on the network lane: it touches the database
            try:
                self._worker = self._make_worker()
            except SyncBusy:
                # `kiosk sync` runs beside the app and does the sending: show its progress.
                summary = self._store.outbox.queue_summary()
                return RoundResult(waiting=summary.waiting,
                                   rejected_total=summary.counts["rejected"]), None, send_all
        result = self._worker.run_once(
            send_all=send_all, progress=self.progress.emit if send_all else None)
        catalogue = None
        if result.forms_changed and self._load_catalogue is not None:
            catalogue = self._load_catalogue()
        return result, catalogue, send_all

    def _done(self, outcome) -> None:
        result, catalogue, send_all = outcome
        self._running = False
        self.view = view_of(result)
        self.changed.emit(self.view)
        self.finished.emit(result, send_all)
        if catalogue is not None:
            self.forms_changed.emit(catalogue)
        if self._again:
            again_all, self._again, self._send_all_next = self._send_all_next, False, False
            self.nudge(again_all)

    def _failed(self, error: BaseException) -> None:
        self._running = False
        # A bug or a store error in a round must not take the kiosk down: say it (to staff
        # on screen, to IT in the log), and try again at the next round.
        print(f"sync round failed: {error.__class__.__name__}: {error}", file=sys.stderr)
        self.view = SyncView("paused", self.view.waiting if self.view else 0,
                             f"{error.__class__.__name__}: {str(error)[:200]}")
        self.changed.emit(self.view)

    def close(self) -> None:
        """Stop the timer; the caller shuts the task lanes down, then the worker closes."""
        self._closed = True
        self._timer.stop()
        if self._worker is not None:
            self._worker.cancel()  # a round in progress ends after the request on the wire

    def close_worker(self) -> None:
        if self._worker is not None:
            self._worker.close()
