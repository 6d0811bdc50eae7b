"""Blocking work off the main thread: a lane for the database writer, one for the network, one
for the printer, one for a citizen's own question to the central service.

Results come back to the main thread through a Qt signal, so callbacks may touch widgets;
the work itself never does. Each lane runs its tasks in order (an autosave queued before the
wipe's delete is written first)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

# A slow printer holds up neither the database nor sending; a citizen's question to the central
# service ("ask": the progress of an application) does not wait for a sync round.
LANES = ("db", "net", "print", "ask")


class TaskRunner(QObject):
    _settled = Signal(object, object, object)  # callbacks, result, error

    def __init__(self) -> None:
        super().__init__()
        self._lanes = {lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kiosk-{lane}")
                       for lane in LANES}
        self._pending = 0
        self._closed = False
        self._settled.connect(self._deliver)  # queued: delivered on the main thread

    def run(self, lane: str, work: Callable[..., Any], *args: Any,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> None:
        if self._closed:
            # Shutting down: a result delivered now (a receipt made, say) may ask for more
            # work; nothing new starts, and nothing is left counted as pending.
            return
        self._pending += 1
        future = self._lanes[lane].submit(work, *args)
        future.add_done_callback(lambda f: self._settled.emit((on_done, on_error), *_outcome(f)))

    def _deliver(self, callbacks, result, error) -> None:
        self._pending -= 1
        on_done, on_error = callbacks
        if error is not None:
            if on_error is None:
                raise error
            on_error(error)
        elif on_done is not None:
            on_done(result)

    def busy(self) -> bool:
        """Whether any task has not yet been delivered back to the main thread."""
        return self._pending > 0

    def shutdown(self) -> None:
        self._closed = True
        for pool in self._lanes.values():
            pool.shutdown(wait=True)


def _outcome(future: Future) -> tuple[Any, BaseException | None]:
    error = future.exception()
    return (None, error) if error is not None else (future.result(), None)
