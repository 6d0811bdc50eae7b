"""The kiosk's durable store: one SQLite database, opened here, and the parts that use it.

    store.drafts    visits kept before they are sent (drafts.py)
    store.outbox    finished visits and their way to the destination (outbox.py)
    store.staff     helpers, their PINs and what they did (staff.py)
    store.settings  the kiosk's own settings (settings.py)

The store itself opens and closes the database (a damaged one is set aside for IT, what it
holds counted once and remembered, and brought back by `salvage`: salvage.py), keeps the audit
log (`record`, `verify_audit`), reports on everything (`status`) and deletes what is past
keeping (`purge`). The parts share one writer connection, guarded by a lock (db.py); readers
open their own connections (WAL). Every write is one transaction, with synchronous=FULL.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypedDict

from sqlite_utils import Database

from . import audit
from . import salvage as salvaging
from .clock import iso, utc_now
from .db import SYSTEM, Db, single_value
from .drafts import Drafts, resume_key
from .errors import CANNOT_OPEN, READ_ONLY, StoreError, explain
from .keys import Box, InstallKeyError, load_or_create_key
from .opening import BUSY_TIMEOUT, cannot_write, create_private, make_private, use_wal
from .outbox import DAMAGED_PAYLOAD, Outbox
from .progress_states import ProgressStates
from .records import StateCounts
from .salvage import DamagedCopy, DamagedCopyJson, SalvageReport
from .schema import NewerSchema, migrate
from .sealers import INSTALL_KEY_ONLY, Sealer
from .settings import Settings
from .staff import Staff

if TYPE_CHECKING:
    from ..config import Config

_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}  # what "damaged" means
_OPEN_CODES = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY}  # a folder it cannot write?


class SyncNote(TypedDict):
    """The sync worker's last word on a destination (the setting sync:<destination>)."""

    state: str  # "ok", "offline" or "stopped"
    message: str
    at: str


class StoreStatus(TypedDict):
    """Everything `kiosk status` says (JSON: `kiosk status --json` prints it as it is)."""

    database: str
    database_bytes: int
    integrity: str  # "ok", or SQLite's first problems
    audit_chain: str
    audit_chain_ok: bool
    submissions: StateCounts
    oldest_waiting: str | None
    last_sync: str | None
    not_yet_sealed: int
    install_key_only: int  # ready for an OpenRosa server, but protected by this kiosk's key only
    sync: dict[str, SyncNote]
    drafts_saved: int
    drafts_in_progress: int
    # copies of a damaged database set aside and not yet dealt with (`kiosk salvage`), each
    # with what it holds (DamagedCopy.as_json)
    damaged_copies: list[DamagedCopyJson]
    damaged_payloads: int  # rejected on the kiosk: their stored answers failed their checksum
    # The audit log beyond its own chain: its guard triggers, and what the central service,
    # which holds its head, last said of it (audit_anchor_ok False: cut short, rewritten...)
    audit_guard: str
    audit_anchor: str
    audit_anchor_ok: bool
    warnings: list[str]


AUDIT_ANCHOR = "audit_anchor"  # settings: the central service's last word on the audit log


class AuditReportJson(TypedDict):
    """What a heartbeat says of the audit log (the central's openapi.yaml: Heartbeat.audit)."""

    head_seq: int
    head_hash: str | None
    anchor_seq: int | None
    anchor_hash: str | None


def _anchor_state(said: object, head_seq: int) -> tuple[bool, str]:
    """Whether the audit log is as the central service last saw it, in words."""
    if not isinstance(said, dict) or not isinstance(said.get("anchor_seq"), int):
        return True, "not anchored yet (at the next heartbeat to the central service)"
    seq = int(said["anchor_seq"])
    if said.get("state", "ok") != "ok":
        return False, (f"the central service says it was {said.get('state')} "
                       f"(since {said.get('since')}): {said.get('detail')}")
    if head_seq < seq:  # seen here before the next heartbeat says so
        return False, (f"cut short: the central service holds entry {seq}, and the log now "
                       f"ends at entry {head_seq}")
    return True, f"anchored at the central service to entry {seq} ({said.get('heard_at')})"


def _connect(path: Path) -> sqlite3.Connection:
    create_private(path)
    make_private(path)  # before SQLite makes a -wal or -shm with the database file's mode
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, check_same_thread=False)
    use_wal(conn, patience=BUSY_TIMEOUT)  # several processes may be opening a new database
    conn.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")  # deleted answers are overwritten, not just unlinked
    return conn


def _integrity(conn: sqlite3.Connection) -> list[str]:
    return [problem for (problem,) in conn.execute("PRAGMA integrity_check")]


class Store:
    def __init__(self, path: Path | str, *, site_id: str = "KIOSK",
                 clock: Callable[[], datetime] = utc_now, draft_expiry_days: int = 30,
                 delivered_retention_days: int = 7, autosave_grace_minutes: int = 15,
                 set_aside_damage: bool = True, sealers: Mapping[str, Sealer] | None = None):
        """`sealers`: destination name -> what seals its submissions as they are stored
        (sealers.py); whoever builds the store gives them (sync/sealers.py makes a config's)."""
        self.path = Path(path)
        self.site_id = site_id
        self.clock = clock
        self.retention = timedelta(days=delivered_retention_days)
        self.warnings: list[str] = []
        self.audit_guard = "in place"  # or what was found missing at this opening
        self._damage: dict[str, str] | None = None  # what was wrong with a database set aside
        self.set_aside_damage = set_aside_damage  # False for a look only (kiosk status)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            install_key = load_or_create_key(self.path.parent)
        except PermissionError as error:
            raise StoreError(CANNOT_OPEN.format(path=self.path.parent, reason=error.strerror)) from None
        except InstallKeyError as error:
            raise StoreError(str(error)) from None
        except OSError as error:
            if error.errno == errno.ENOSPC:
                raise explain(sqlite3.OperationalError("database or disk is full")) from None
            if error.errno == errno.EROFS:  # a read-only mount with no key file yet
                raise StoreError(READ_ONLY) from None
            raise StoreError(CANNOT_OPEN.format(path=self.path.parent, reason=error.strerror)) from None
        self._db = Db(self._open_checked(Box(install_key)), Box(install_key), audit.chain_key(install_key), clock)
        try:
            with self._db.lock:
                migrate(Database(self._db.conn))
        except NewerSchema as newer:
            self._db.conn.close()
            raise StoreError(str(newer)) from None
        except sqlite3.Error as error:
            raise explain(error) from None
        self.settings = Settings(self._db)
        self.drafts = Drafts(self._db, self.settings, resume_key(install_key),
                             draft_expiry=timedelta(days=draft_expiry_days),
                             autosave_grace=timedelta(minutes=autosave_grace_minutes))
        self.drafts.wrap_old_code_hashes()
        self.outbox = Outbox(self._db, self.settings, site_id=site_id, sealers=sealers)
        self.staff = Staff(self._db, self.settings)
        self.progress = ProgressStates(self._db, self.retention)
        if self._damage is not None:
            self.record("integrity_problem", self._damage)
            self._survey_quietly()  # counted now, so every later look is cheap
        self._guard_audit()

    def audit_report(self) -> AuditReportJson:
        """The audit log's head, and the entry the central service anchored last as the log
        holds it now: what the next heartbeat carries."""
        said = self.settings.get(AUDIT_ANCHOR)
        seq = said.get("anchor_seq") if isinstance(said, dict) else None
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        with self._db.lock:
            head = audit.head(self._db.conn)
            at_anchor = audit.hash_at(self._db.conn, seq) if seq is not None else None
        return {"head_seq": head.seq if head else 0, "head_hash": head.hash if head else None,
                "anchor_seq": seq, "anchor_hash": at_anchor}

    def note_audit_verdict(self, verdict: Mapping[str, object]) -> None:
        """Keep what the central service said of the audit log (its heartbeat answer)."""
        self.settings.put(AUDIT_ANCHOR, {**verdict, "heard_at": iso(self.clock())})

    def _guard_audit(self) -> None:
        """The audit log's guard triggers, put back if something dropped them: logged, and
        said by this store's status (a log whose newest entries were then deleted is seen by
        the central service, which holds its head: store.staff.audit_anchor)."""
        with self._db.lock:  # a look first: a read-only database is left as it is
            if not audit.missing_guards(self._db.conn):
                return
        with self._db.writing() as conn:
            restored = audit.guard(conn)
            if restored:
                self._db.audit(conn, SYSTEM, "audit_guard_restored", {"triggers": restored})
        if restored:
            self.audit_guard = (f"the audit log's guard ({', '.join(restored)}) had been "
                                "removed outside the kiosk and was put back")
            self.warnings.append(self.audit_guard)

    @classmethod
    def from_config(cls, config: Config, set_aside_damage: bool = True,
                    sealers: Mapping[str, Sealer] | None = None) -> Store:
        """The store `config` describes, sealing with `sealers` and each REST destination's
        pinned key (outbox.load_sealing_keys)."""
        store = cls(config.database_path, site_id=config.site_id,
                    draft_expiry_days=config.draft_expiry_days,
                    delivered_retention_days=config.delivered_retention_days,
                    autosave_grace_minutes=config.autosave_grace_minutes,
                    set_aside_damage=set_aside_damage, sealers=sealers)
        store.outbox.load_sealing_keys(config.destinations)
        return store

    # -- opening ------------------------------------------------------------------------------
    def _open_checked(self, box: Box) -> sqlite3.Connection:
        """Open the database; a damaged one is moved aside (kept for IT) and a fresh one made."""
        conn = None
        try:
            conn = _connect(self.path)
            result = _integrity(conn)
            if result == ["ok"]:
                return conn
            problem = "; ".join(result[:3])
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorcode", None) not in _DAMAGE_CODES:
                if conn is not None:
                    conn.close()
                # A read-only folder (a read-only mount, say): SQLite opens the file but cannot
                # make its -wal and -shm beside it, and says only "unable to open database file".
                code = getattr(error, "sqlite_errorcode", 0) & 0xFF
                if code in _OPEN_CODES and cannot_write(self.path.parent):
                    raise StoreError(READ_ONLY) from None
                # Locked, busy, an I/O error, no space: the file may be fine. Say so, and
                # never set a queue of submissions aside for it.
                raise explain(error) from None
            problem = str(error)
        if conn is not None:
            conn.close()
        if not self.set_aside_damage:
            raise StoreError(f"The kiosk's database {self.path} is damaged ({problem[:200]}). "
                             f"{self._what_it_holds(box)}"
                             "Starting the kiosk sets it aside and begins a new one; then `kiosk salvage` "
                             "puts what it holds back in the queue.")
        moved = self._move_aside()
        conn = _connect(self.path)
        self.warnings.append(
            f"The kiosk's database was damaged and has been set aside as {moved.name}; "
            "the kiosk started with an empty one. IT: `kiosk salvage` puts the submissions "
            "it holds back in the queue.")
        self._damage = {"moved_to": moved.name, "problem": problem[:200]}
        return conn

    def _what_it_holds(self, box: Box) -> str:
        """For a look only: what the damaged database holds, read from a copy of it."""
        try:
            held = salvaging.survey(self.path, box)
        except Exception:  # noqa: BLE001 (the damage is the news; the count is extra)
            return ""
        return (f"It holds {held.waiting} submission(s) not yet delivered"
                + (f" (the oldest from {held.oldest_waiting})" if held.oldest_waiting else "")
                + (f" and {held.unreadable} that cannot be read" if held.unreadable else "")
                + ". ")

    def _move_aside(self) -> Path:
        stamp = self.clock().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        number = 1
        while target.exists():  # never over an earlier copy kept for IT
            number += 1
            target = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{number}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{target}{suffix}"))
        return target

    # -- damaged copies --------------------------------------------------------------------------
    def damaged_copies(self) -> list[DamagedCopy]:
        """The damaged copies beside the database not yet dealt with, and what each holds:
        read (with recovery) once per copy and remembered in the settings, keyed by the file,
        so looking again costs a stat and a settings read."""
        copies = []
        for path in salvaging.damaged_copies(self.path):
            key = salvaging.file_key(path)
            remembered = self.settings.get(f"damaged_copy:{path.name}")
            if remembered is not None and remembered.get("key") == key:
                copies.append(DamagedCopy(**{**remembered["copy"],
                                             "notes": tuple(remembered["copy"]["notes"])}))
                continue
            copy = salvaging.survey(path, self._db.box)
            with suppress(StoreError):  # a full disk: counted again next time
                self.settings.put(f"damaged_copy:{path.name}", {"key": key, "copy": copy.as_json()})
            copies.append(copy)
        return copies

    def _survey_quietly(self) -> None:
        try:
            self.damaged_copies()
        except Exception as error:  # noqa: BLE001 (a survey never stops the kiosk starting;
            # `kiosk status` surveys again)
            self.record("integrity_problem", {"survey_failed": error.__class__.__name__})

    def salvage(self, path: Path) -> SalvageReport:
        """Put every readable submission of the damaged copy `path` back in the queue, exactly
        once (salvage.py), then rename the copy to its salvaged name."""
        recovered = salvaging.read_damaged(path, self._db.box)
        with self._db.writing() as conn:
            back, there, delivered = salvaging.put_back(conn, recovered, self._db.stamp())
            counts = {"file": path.name, "recovered": back, "already_there": there,
                      "already_delivered": delivered, "unreadable": recovered.unreadable}
            self._db.audit(conn, SYSTEM, "salvaged", counts)
            conn.execute("DELETE FROM settings WHERE key = ?", (f"damaged_copy:{path.name}",))
        # After the commit: cut short here, the copy is salvaged again, and nothing is doubled.
        moved = salvaging.mark_salvaged(path, self.clock())
        return SalvageReport(file=path.name, moved_to=moved.name, recovered=back,
                             already_there=there, already_delivered=delivered,
                             unreadable=recovered.unreadable, notes=tuple(recovered.notes))

    def close(self) -> None:
        with self._db.lock:
            self._db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    # -- the whole database -------------------------------------------------------------------
    def reader(self) -> sqlite3.Connection:
        """A separate read-only connection (WAL lets it read while the writer writes)."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        conn.execute("PRAGMA query_only=ON")
        return conn

    def record(self, event: str, detail: Mapping[str, object] | None = None,
               actor: str = SYSTEM) -> None:
        """Add an entry to the audit log (no citizen data in `detail`)."""
        self._db.record(event, detail, actor)

    def verify_audit(self) -> audit.ChainCheck:
        return self._db.verify_audit()

    def forget_wal(self) -> None:
        """Empty the write-ahead log into the database (see Db.forget_wal)."""
        self._db.forget_wal()

    def purge(self) -> dict[str, int]:
        """Delete expired drafts, stale autosaves, delivered payloads (with their receipt's
        answers) and the review states (with the council's notes) past retention."""
        now = self.clock()
        with self._db.writing() as conn:
            expired = conn.execute("DELETE FROM drafts WHERE saved = 1 AND expires_at <= ?",
                                   (iso(now),)).rowcount
            stale = conn.execute("DELETE FROM drafts WHERE saved = 0 AND expires_at <= ?",
                                 (iso(now),)).rowcount
            # The receipt's answers (a name, say) go with the payload: only the reference,
            # form and times stay. Rows an older kiosk purged with their receipt kept are
            # emptied too.
            payloads = conn.execute(
                "UPDATE submissions SET payload = NULL, receipt = '[]',"
                " payload_deleted_at = coalesce(payload_deleted_at, ?)"
                " WHERE (payload IS NOT NULL OR receipt != '[]') AND id IN (SELECT submission_id"
                " FROM outbox WHERE state = 'delivered' AND delivered_at <= ?)",
                (iso(now), iso(now - self.retention))).rowcount
            counts = {"expired_drafts": expired, "abandoned_autosaves": stale,
                      "delivered_payloads": payloads,
                      "progress_states": self.progress.purge(conn, now)}
            if any(counts.values()):
                self._db.audit(conn, SYSTEM, "purge", counts)
        if any(counts.values()):
            self.forget_wal()
        return counts

    def status(self) -> StoreStatus:
        conn = self.reader()
        try:
            queue = self.outbox.queue_summary(conn)
            last_sync: str | None = single_value(
                conn, "SELECT value FROM settings WHERE key = 'last_sync_at'")
            unsealed: int = single_value(conn, "SELECT count(*) FROM submissions"
                                               " WHERE sealed_to IS NULL AND payload IS NOT NULL")
            install_key_only: int = single_value(
                conn, "SELECT count(*) FROM submissions WHERE sealed_to = ? AND payload IS NOT NULL",
                (INSTALL_KEY_ONLY,))
            sync: dict[str, SyncNote] = {
                key.removeprefix("sync:"): json.loads(value) for key, value in conn.execute(
                    "SELECT key, value FROM settings WHERE key LIKE 'sync:%'")}
            drafts: dict[int, int] = dict(conn.execute(
                "SELECT saved, count(*) FROM drafts GROUP BY saved").fetchall())
            damaged_payloads: int = single_value(
                conn, "SELECT count(*) FROM outbox WHERE state = 'rejected' AND last_error = ?",
                (DAMAGED_PAYLOAD,))
            integrity = _integrity(conn)
            chain = self._db.verify_audit(conn)
            head = audit.head(conn)
        finally:
            conn.close()
        anchor_ok, anchor_said = _anchor_state(self.settings.get(AUDIT_ANCHOR),
                                               head.seq if head else 0)
        copies = self.damaged_copies()
        warnings = [*self.warnings, *(copy.describe() for copy in copies)]
        if damaged_payloads:
            warnings.append(f"{damaged_payloads} submission(s) were kept back: their stored "
                            "answers no longer match their checksum (damaged on this disk), "
                            "so they cannot be sent. Check the disk.")
        size = sum(Path(f"{self.path}{s}").stat().st_size
                   for s in ("", "-wal") if Path(f"{self.path}{s}").exists())
        return {
            "database": str(self.path),
            "database_bytes": size,
            "integrity": "ok" if integrity == ["ok"] else "; ".join(integrity[:3]),
            "audit_chain": chain.describe(),
            "audit_chain_ok": chain.ok,
            "submissions": queue.counts,
            "oldest_waiting": queue.oldest_waiting,
            "last_sync": json.loads(last_sync) if last_sync is not None else None,
            "not_yet_sealed": unsealed,
            # ready for an OpenRosa server, but protected by this kiosk's key only (docs/sync.md)
            "install_key_only": install_key_only,
            "sync": sync,
            "drafts_saved": drafts.get(1, 0),
            "drafts_in_progress": drafts.get(0, 0),
            "damaged_copies": [copy.as_json() for copy in copies],
            "damaged_payloads": damaged_payloads,
            "audit_guard": self.audit_guard,
            "audit_anchor": anchor_said,
            "audit_anchor_ok": anchor_ok and self.audit_guard == "in place",
            "warnings": warnings,
        }
