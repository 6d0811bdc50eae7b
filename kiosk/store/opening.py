"""Opening the database file when several kiosk processes may do it at the same moment (the
kiosk and `kiosk sync --once` started together on a new data folder, say)."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
import time
from pathlib import Path

BUSY_TIMEOUT = 10  # seconds a connection waits for another process's write to finish
RETRY_EVERY = 0.01  # seconds between tries of a step SQLite will not wait for itself


def create_private(path: Path) -> None:
    """Make a missing database file readable by the kiosk's own account only (0600). SQLite
    gives its -wal and -shm files the database file's mode, so they are private too."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    if not path.exists():
        os.close(os.open(path, flags, 0o600))


def make_private(path: Path) -> None:
    """The database, its -wal and -shm files made the kiosk's own (0600) where an older kiosk
    left them readable by others (0644)."""
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm"):
        tighten(Path(f"{path}{suffix}"))


def tighten(path: Path) -> None:
    """`path` made 0600 if it is open to others. Missing, or not ours to change (a read-only
    folder, say, which opening then reports in its own words): left as it is."""
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)


_CANNOT_WRITE = {errno.EROFS, errno.EACCES, errno.EPERM}


def cannot_write(folder: Path) -> bool:
    """True when a file cannot be made in `folder`: mounted read-only, or not the kiosk's to
    write. (Tried, not guessed from the mode bits, which do not stop root or show a mount.)"""
    try:
        descriptor, name = tempfile.mkstemp(prefix=".kiosk-write-check-", dir=folder)
    except OSError as error:
        return error.errno in _CANNOT_WRITE
    os.close(descriptor)
    os.unlink(name)
    return False


def use_wal(conn: sqlite3.Connection, patience: float) -> None:
    """PRAGMA journal_mode=WAL, waiting its turn. On a new database every process opening it
    tries to switch it to WAL, and SQLite answers "database is locked" at once rather than
    waiting out the busy timeout; so try again, for as long as that timeout."""
    give_up_at = time.monotonic() + patience
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() >= give_up_at:
                raise
        time.sleep(RETRY_EVERY)
