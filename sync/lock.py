"""One sync worker per kiosk database: the kiosk app and `kiosk sync` never send side by side.

An exclusive lock on a file beside the database; the operating system releases it when the
process ends however it ends (SIGKILL included), so a crash never leaves it held.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

LOCK_FILE = "sync.lock"


class SyncBusy(Exception):
    """Another process is already sending from this kiosk's database."""


class WorkerLock:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_FILE
        self._handle: BinaryIO | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+b")  # noqa: SIM115 (held open for as long as the lock)
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise SyncBusy("Another sync is already running for this kiosk (the kiosk app, or "
                           "another `kiosk sync`); it is sending already.") from None
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None


# sys.platform rather than os.name (the same test): mypy checks each branch on its platform.
if sys.platform == "win32":  # pragma: no cover (Windows kiosks)
    import msvcrt

    def _lock(handle: BinaryIO) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: BinaryIO) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
