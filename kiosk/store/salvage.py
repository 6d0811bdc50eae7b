"""Submissions left in a damaged copy of the database (`kiosk.db.damaged-*`, set aside by
Store when it opened a damaged file): found, counted, and put back in the queue.

Contract:
- The damaged file is never written: it (and its write-ahead log, which may hold the latest
  commits) is copied to a temporary folder and the copy is read.
- Rows are read in rowid order, and where a page cannot be read the scan steps past it one
  rowid at a time (each a fresh seek down the b-tree), so one bad page loses only its own rows.
  What SQLite returns is checked before it is believed: a payload under the install key must
  open with it (AES-GCM shows any change), a sealed payload must match its checksum.
- `survey` counts what a copy holds (`DamagedCopy`); `salvage` puts every readable submission
  not yet delivered back in the live queue with its outbox state, keyed by its instance id:
  one already in the live database, or delivered before the damage, is never queued again.
  Then the copy is renamed `kiosk.db.salvaged-*`: that, or IT deleting it, is how a damaged
  copy is dealt with.
Only submissions and their outbox rows come back: drafts, helpers, settings and the old audit
log stay in the copy (a new helper PIN, a key fetched again, a new audit log).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from .clock import iso
from .keys import Box, InstallKeyError
from .leaf_pages import leaf_rows
from .outbox import payload_checksum, payload_intact
from .records import OUTBOX_STATES
from .sealers import INSTALL_KEY_ONLY

DAMAGED = ".damaged-"  # kiosk.db.damaged-<when>: set aside, not yet dealt with
SALVAGED = ".salvaged-"  # kiosk.db.salvaged-<when>: `kiosk salvage` brought back what it could
_SIDE_FILES = ("-wal", "-shm")
_STAMP = "%Y%m%dT%H%M%SZ"
# Rows are never deleted from these tables, so their rowids run on without gaps: this many
# unreadable rowids in a row means the scan has passed the end (or a large damaged part, which
# a few far jumps then try to get past).
_MISSES_IN_A_ROW = 2000

# The tables' columns in the order the migrations made them (schema.py), for a file whose list
# of tables cannot be read; otherwise its own list is used.
SUBMISSION_ORDER = ("id", "reference", "form_id", "form_version", "language", "destination",
                    "assisted_by", "created_at", "payload", "payload_bytes", "receipt",
                    "payload_deleted_at", "sealed_to", "payload_sha256")
OUTBOX_ORDER = ("submission_id", "destination", "state", "attempts", "next_attempt_at",
                "last_attempt_at", "last_error", "server_receipt", "delivered_at", "updated_at")


@dataclass(frozen=True)
class Found:
    """One submission read back from a damaged copy, with its outbox row when that was read
    (`state` None: not read, so treated as still waiting: central is idempotent)."""

    row: dict[str, Any]
    state: str | None
    attempts: int
    last_error: str | None

    @property
    def submission_id(self) -> str:
        return str(self.row["id"])

    @property
    def delivered(self) -> bool:
        return self.state == "delivered"


@dataclass
class Recovered:
    found: list[Found] = field(default_factory=list)
    unreadable: int = 0  # rows or payloads that could not be read back
    notes: list[str] = field(default_factory=list)  # what could not be read, for IT


class DamagedCopyJson(TypedDict):
    """A DamagedCopy as `kiosk status --json` prints it."""

    file: str
    set_aside_at: str
    waiting: int
    rejected: int
    unreadable: int
    oldest_waiting: str | None
    notes: list[str]


@dataclass(frozen=True)
class DamagedCopy:
    """What a damaged copy holds (JSON: in `kiosk status --json`)."""

    file: str
    set_aside_at: str  # UTC, ISO 8601
    waiting: int  # readable, not delivered: `kiosk salvage` queues them again
    rejected: int  # of those, refused by the service before the damage
    unreadable: int
    oldest_waiting: str | None
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        held = (f"holds {self.waiting} submission{'s' if self.waiting != 1 else ''} not yet "
                "delivered" + (f" (the oldest from {self.oldest_waiting})"
                               if self.oldest_waiting else ""))
        if self.unreadable:
            held += f" and {self.unreadable} that cannot be read"
        return (f"A damaged copy of the kiosk's database, {self.file}, set aside at "
                f"{self.set_aside_at}, {held}: run `kiosk salvage` to put them back in the "
                "queue.")

    def as_json(self) -> DamagedCopyJson:
        return DamagedCopyJson(file=self.file, set_aside_at=self.set_aside_at,
                               waiting=self.waiting, rejected=self.rejected,
                               unreadable=self.unreadable, oldest_waiting=self.oldest_waiting,
                               notes=list(self.notes))


@dataclass(frozen=True)
class SalvageReport:
    file: str
    moved_to: str
    recovered: int  # back in the queue (waiting, or rejected for staff as before)
    already_there: int  # in the live database already (salvaged before, or sent again)
    already_delivered: int  # delivered before the damage: not queued again
    unreadable: int
    notes: tuple[str, ...]

    def lines(self) -> list[str]:
        said = [f"{self.file}: {self.recovered} submission(s) put back in the queue, "
                f"{self.already_there} already there, {self.already_delivered} delivered "
                f"before the damage (not sent again), {self.unreadable} could not be read.",
                *(f"  {note}" for note in self.notes),
                f"The damaged copy is now {self.moved_to}."]
        return said


# -- finding the copies ---------------------------------------------------------------------
def damaged_copies(database: Path) -> list[Path]:
    """The damaged copies beside `database` not yet dealt with, oldest first."""
    return sorted(path for path in database.parent.glob(f"{database.name}{DAMAGED}*")
                  if not path.name.endswith(_SIDE_FILES))


def set_aside_at(path: Path) -> str:
    """When the copy was set aside: from its name (Store._move_aside), else its file time."""
    stamp = path.name.partition(DAMAGED)[2][:len("20260101T000000Z")]
    try:
        return iso(datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC))
    except ValueError:
        return iso(datetime.fromtimestamp(path.stat().st_mtime, UTC))


def file_key(path: Path) -> dict[str, int]:
    """What tells a copy from a changed one, for the remembered survey."""
    sizes = {suffix or "db": os.stat(f"{path}{suffix}").st_size
             for suffix in ("", "-wal") if os.path.exists(f"{path}{suffix}")}
    return {**sizes, "mtime_ns": path.stat().st_mtime_ns}


# -- reading a damaged file -----------------------------------------------------------------
def read_damaged(path: Path, box: Box) -> Recovered:
    """Every submission that can be read back from the damaged database at `path`."""
    with tempfile.TemporaryDirectory(prefix="kiosk-salvage-") as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(path, copy)
        if os.path.exists(f"{path}-wal"):  # commits not yet in the main file
            shutil.copyfile(f"{path}-wal", f"{copy}-wal")
        conn = sqlite3.connect(copy)
        try:
            conn.execute("PRAGMA cell_size_check=ON")  # find damage rather than read garbage
            # A file shorter than its header says is read up to its end, not refused whole.
            conn.execute("PRAGMA writable_schema=ON")
            tables = _through_sqlite(conn)
            with suppress(sqlite3.DatabaseError):  # the leaf pages then miss the WAL's commits
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        return _combine(tables, _off_the_pages(copy.read_bytes(), tables), box)


@dataclass
class _Table:
    """One table's rows by key (instance id), as far as they could be read."""

    order: list[str]  # its columns in the file's order
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)  # rowids SQLite could not read
    complete: bool = True
    schema_read: bool = True


def _through_sqlite(conn: sqlite3.Connection) -> dict[str, _Table]:
    """What SQLite itself can still read of the two tables, stepping past unreadable pages."""
    tables = {}
    for name, known, key in (("submissions", SUBMISSION_ORDER, "id"),
                             ("outbox", OUTBOX_ORDER, "submission_id")):
        try:
            order = [column for _, column, *_ in conn.execute(f"PRAGMA table_info({name})")]
        except sqlite3.DatabaseError:
            order = []
        table = _Table(order=order or list(known), schema_read=bool(order))
        tables[name] = table
        if not order:
            continue
        rows, table.failed, table.complete = _scan(conn, name, order)
        for rowid, values in rows:
            row = dict(zip(order, values, strict=True))
            row["rowid"] = rowid
            table.rows[str(row.get(key))] = row
    return tables


def _off_the_pages(data: bytes, tables: dict[str, _Table]) -> dict[str, _Table]:
    """The same two tables' rows read off the leaf pages (leaf_pages.py): rows SQLite lost
    the way to (a damaged root or inner page) are found there."""
    cells = list(leaf_rows(data))
    found = {name: _Table(order=table.order if table.schema_read
                          else _order_from_pages(cells, name) or table.order)
             for name, table in tables.items()}
    for rowid, values in cells:
        for name, key in (("submissions", "id"), ("outbox", "submission_id")):
            table = found[name]
            if not _shaped_like(name, values, table.order):
                continue
            row = dict(zip(table.order, values, strict=False))  # a shorter, older row: NULLs
            row["rowid"] = rowid
            earlier = table.rows.get(str(row[key]))
            # Two copies of one outbox row (a page left over): the one not delivered wins, so
            # nothing is stranded (central takes a second copy as the same submission).
            if earlier is None or row.get("state") != "delivered":
                table.rows[str(row[key])] = row
    return found


def _order_from_pages(cells: list[tuple[int, tuple[Any, ...]]], table: str) -> list[str]:
    """A table's columns from its CREATE TABLE found on the pages (the list of tables, itself
    a table, has rows of five: type, name, table, root page, SQL), read by SQLite in memory."""
    for _, values in cells:
        if len(values) == 5 and values[:2] == ("table", table) and isinstance(values[4], str):
            scratch = sqlite3.connect(":memory:")
            try:
                scratch.execute(values[4])
                return [column for _, column, *_ in scratch.execute(f"PRAGMA table_info({table})")]
            except sqlite3.Error:
                continue
            finally:
                scratch.close()
    return []


def _shaped_like(table: str, values: tuple[Any, ...], order: list[str]) -> bool:
    if not values or not isinstance(values[0], str) or not values[0].startswith("uuid:"):
        return False
    if len(values) > len(order):
        return False
    if table == "outbox":
        state = order.index("state") if "state" in order else 2
        return len(values) > state and values[state] in OUTBOX_STATES
    return len(values) >= len(SUBMISSION_ORDER[:12]) and "receipt" in order \
        and isinstance(values[order.index("receipt")], str)


def _combine(sqlite_read: dict[str, _Table], page_read: dict[str, _Table],
             box: Box) -> Recovered:
    """SQLite's reading first; what only the pages had, added; each submission checked."""
    recovered = Recovered()
    submissions, outbox = sqlite_read["submissions"], sqlite_read["outbox"]
    if not submissions.schema_read:
        recovered.notes.append("its list of tables cannot be read: the rows were read off its "
                               "pages alone")
    for name, table in sqlite_read.items():
        for key, row in page_read[name].rows.items():
            table.rows.setdefault(key, row)
    # How many were lost, at least: rowids SQLite failed on and no page had; and, as neither
    # table ever loses a row and each submission has one outbox row, the highest rowid of
    # either table (or the outbox rows naming a submission not read) is a floor on how many
    # submissions there were.
    found_rowids = {row["rowid"] for row in submissions.rows.values()}
    there_were = max(len(outbox.rows.keys() | submissions.rows.keys()),
                     *(row["rowid"] for table in (submissions, outbox)
                       for row in table.rows.values()), 0)
    lost = max(len(submissions.failed - found_rowids), there_were - len(submissions.rows))
    recovered.unreadable += lost
    if lost:
        recovered.notes.append(f"at least {lost} submission row(s) could not be read")
    for key, row in submissions.rows.items():
        state_row = outbox.rows.get(key)
        state = state_row.get("state") if state_row is not None else None
        problem = _problem(row, state, box)
        if problem:
            recovered.unreadable += 1
            recovered.notes.append(f"{row.get('reference', '?')}: {problem}")
            continue
        recovered.found.append(Found(
            row=row, state=state if state in OUTBOX_STATES else None,
            attempts=int(state_row.get("attempts") or 0) if state_row is not None else 0,
            last_error=state_row.get("last_error") if state_row is not None else None))
    return recovered


def _problem(row: dict[str, Any], state: str | None, box: Box) -> str | None:
    """Why a row read back cannot be trusted or sent; None when it can."""
    text = ("id", "reference", "form_id", "form_version", "language", "destination",
            "created_at", "receipt")
    if any(not isinstance(row.get(name), str) for name in text) \
            or not str(row["id"]).startswith("uuid:"):
        return "the row itself is damaged"
    payload = row.get("payload")
    if payload is None:
        return None if state == "delivered" else "its answers are gone from the damaged file"
    if not isinstance(payload, bytes):
        return "its answers are damaged"
    if row.get("sealed_to") in (None, INSTALL_KEY_ONLY):
        try:
            box.open(payload, f"submission:{row['id']}")
        except InstallKeyError:
            return "its answers are damaged (they no longer open with the install key)"
        return None
    if not payload_intact(payload, row.get("payload_sha256")):
        return "its sealed answers are damaged (they no longer match their checksum)"
    return None


def _scan(conn: sqlite3.Connection, table: str,
          columns: list[str]) -> tuple[list[tuple[int, tuple[Any, ...]]], set[int], bool]:
    """Every row of `table` SQLite can read, in rowid order, with its rowid; the rowids it
    could not read; and whether the scan reached the table's end."""
    rows: list[tuple[int, tuple[Any, ...]]] = []
    failed: set[int] = set()
    after = 0  # every rowid up to here has been read or given up on
    misses: list[int] = []
    select = f"SELECT rowid, {', '.join(columns)} FROM {table}"  # noqa: S608 (known names)
    while True:
        try:
            for found in conn.execute(f"{select} WHERE rowid > ? ORDER BY rowid", (after,)):
                if found[0] <= after:  # out of order: a damaged page read as if whole
                    raise sqlite3.DatabaseError("rowids out of order")
                rows.append((found[0], found[1:]))
                after = found[0]
                failed.update(misses)
                misses = []
            failed.update(misses)
            return rows, failed, True
        except sqlite3.DatabaseError:
            pass  # the page after `after` cannot be read: step past it
        after += 1
        try:
            single = conn.execute(f"{select} WHERE rowid = ?", (after,)).fetchone()
        except sqlite3.DatabaseError:
            single = None
        if single is not None:
            rows.append((single[0], single[1:]))
            failed.update(misses)
            misses = []
            continue
        misses.append(after)
        if len(misses) >= _MISSES_IN_A_ROW:
            beyond = _far_row(conn, table, after)
            if beyond is None:
                return rows, failed, False  # past the end: those misses were not rows
            failed.update(misses)
            after, misses = beyond - 1, []


def _far_row(conn: sqlite3.Connection, table: str, after: int) -> int | None:
    """A readable rowid well past `after` (a large damaged part skipped), or None."""
    step = _MISSES_IN_A_ROW
    while after + step < 2**62:
        try:
            found = conn.execute(f"SELECT rowid FROM {table} WHERE rowid > ?"  # noqa: S608
                                 " ORDER BY rowid LIMIT 1", (after + step,)).fetchone()
        except sqlite3.DatabaseError:
            step *= 4
            continue
        return None if found is None else int(found[0])
    return None


# -- what a copy holds, and bringing it back --------------------------------------------------
def survey(path: Path, box: Box) -> DamagedCopy:
    recovered = read_damaged(path, box)
    waiting = [found for found in recovered.found if not found.delivered]
    return DamagedCopy(
        file=path.name, set_aside_at=set_aside_at(path), waiting=len(waiting),
        rejected=sum(found.state == "rejected" for found in waiting),
        unreadable=recovered.unreadable,
        oldest_waiting=min((str(found.row["created_at"]) for found in waiting), default=None),
        notes=tuple(recovered.notes[:20]))


def put_back(conn: sqlite3.Connection, recovered: Recovered,
             now: str) -> tuple[int, int, int]:
    """Queue what `recovered` holds in the live database, in the caller's transaction.
    Returns (put back, already there, delivered before)."""
    back = there = delivered = 0
    for found in recovered.found:
        if found.delivered:
            delivered += 1
            continue
        row = found.row
        payload: bytes = row["payload"]
        inserted = conn.execute(
            "INSERT INTO submissions (id, reference, form_id, form_version, language,"
            " destination, assisted_by, created_at, payload, payload_bytes, receipt, sealed_to,"
            " payload_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            (row["id"], row["reference"], row["form_id"], row["form_version"], row["language"],
             row["destination"], row.get("assisted_by"), row["created_at"], payload,
             _size(row, payload), row["receipt"], row.get("sealed_to"),
             row.get("payload_sha256") or payload_checksum(payload))).rowcount
        if not inserted:  # the same instance id (or, astronomically rarely, reference) is there
            there += 1
            continue
        rejected = found.state == "rejected"
        conn.execute(
            "INSERT INTO outbox (submission_id, destination, state, attempts, next_attempt_at,"
            " last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row["id"], row["destination"], "rejected" if rejected else "queued",
             found.attempts, now, found.last_error if rejected else None, now))
        back += 1
    return back, there, delivered


def mark_salvaged(path: Path, now: datetime) -> Path:
    """Rename a damaged copy (and its side files) to its salvaged name: dealt with."""
    if DAMAGED not in path.name:  # a copy salvaged before, salvaged again: named already
        return path
    base = path.name.partition(DAMAGED)[0]
    target = path.with_name(f"{base}{SALVAGED}{now.strftime(_STAMP)}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{base}{SALVAGED}{now.strftime(_STAMP)}-{number}")
    for suffix in ("", *_SIDE_FILES):
        if os.path.exists(f"{path}{suffix}"):
            os.replace(f"{path}{suffix}", f"{target}{suffix}")
    return target


def _size(row: dict[str, Any], payload: bytes) -> int:
    size = row.get("payload_bytes")
    return size if isinstance(size, int) and size > 0 else len(payload)
