"""The one database the store's parts share (drafts, outbox, staff, settings), and the rules
every part keeps with it.

Contract:
- `conn` is the one writer connection. It is read only while holding `lock` (`read_one` and
  `read_all` take it), so a read never sees another thread's transaction half-way through.
- Every write is `with db.writing() as conn:`, one transaction on the writer under the lock. A
  SQLite failure becomes a StoreError a person can act on, and nothing is left half-written.
- An audit entry caused by a write is appended inside that write's transaction
  (`audit(conn, ...)`), so it commits with its cause; `record` adds one on its own.
- Times come from `clock` and are stored as `stamp()`: UTC, ISO 8601 (clock.py).
- `box` seals and opens with the install key: drafts, and payloads not yet sealed.
- Whoever deletes readable answers calls `forget_wal()` after the commit, so no copy of them
  stays behind in the write-ahead log.

Rows are read by column name (`sqlite3.Row`, from `named`), never by position.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from . import audit as audit_log
from .clock import iso
from .errors import explain
from .keys import Box

SYSTEM = "kiosk"  # the actor of what the kiosk does by itself, in the audit log

Parameters = Sequence[Any] | Mapping[str, Any]  # what sqlite3 binds to a statement's marks


def named(conn: sqlite3.Connection, sql: str, parameters: Parameters = ()) -> sqlite3.Cursor:
    """`conn.execute`, with each row read by column name. (Per cursor, so callers and tests
    that use the connection itself still get plain tuples.)"""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, parameters)


def single_value(conn: sqlite3.Connection, sql: str, parameters: Parameters = ()) -> Any:
    """The one value a one-column query gives (None when it gives no row)."""
    found = conn.execute(sql, parameters).fetchone()
    if found is None:
        return None
    (value,) = found
    return value


class Db:
    def __init__(self, conn: sqlite3.Connection, box: Box, audit_key: bytes,
                 clock: Callable[[], datetime]):
        self.conn = conn
        self.lock = threading.RLock()
        self.box = box
        self.clock = clock
        self._audit_key = audit_key
        self._transactions = Database(conn)  # its atomic(): a transaction that nests safely

    def stamp(self) -> str:
        """Now, as times are stored."""
        return iso(self.clock())

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the one writer; any SQLite failure becomes a clear StoreError and
        leaves nothing half-written (the transaction is rolled back)."""
        with self.lock:
            try:
                with self._transaction():
                    yield self.conn
            except sqlite3.Error as error:
                raise explain(error) from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE: the write lock taken first, waiting out the busy timeout. A plain
        BEGIN that reads before it writes fails at once ("database is locked") when another
        process wrote in between: the kiosk and `kiosk sync` starting together, say. Inside a
        transaction already, a savepoint."""
        if self.conn.in_transaction:
            with self._transactions.atomic():
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()  # nothing if SQLite has rolled back already
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.rollback()
            raise

    def read_one(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """The first row of a query on the writer connection, by column name."""
        with self.lock:  # never mid-way through another thread's transaction
            row: sqlite3.Row | None = named(self.conn, sql, parameters).fetchone()
        return row

    def read_all(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        with self.lock:
            return named(self.conn, sql, parameters).fetchall()

    def audit(self, conn: sqlite3.Connection, actor: str, event: str,
              detail: Mapping[str, object]) -> None:
        """An audit entry inside the caller's transaction, so it commits with its cause."""
        audit_log.append(conn, self._audit_key, self.stamp(), actor, event, detail)

    def record(self, event: str, detail: Mapping[str, object] | None = None,
               actor: str = SYSTEM) -> None:
        """An audit entry on its own (no citizen data in `detail`)."""
        with self.writing() as conn:
            self.audit(conn, actor, event, detail or {})

    def verify_audit(self, conn: sqlite3.Connection | None = None) -> audit_log.ChainCheck:
        """The audit chain checked, on `conn` (a reader) or else on the writer."""
        if conn is not None:
            return audit_log.verify(conn, self._audit_key)
        with self.lock:
            return audit_log.verify(self.conn, self._audit_key)

    def forget_wal(self) -> None:
        """Deleted answers may still sit in the write-ahead log (earlier autosaves, say): copy
        the log into the database, whose deleted pages secure_delete overwrote, and empty it."""
        with self.lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
