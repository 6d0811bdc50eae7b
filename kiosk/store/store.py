"""The kiosk's durable store: submissions and their outbox entries, drafts, the audit log.

One writer connection (guarded by a lock); readers open their own connections (WAL). Every
write is one transaction: a submission and its outbox entry commit together, with
synchronous=FULL, and the reference is returned only after the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from ..sealing import SealingError, SealingKey
from . import audit, codes
from .clock import iso, utc_now
from .errors import CANNOT_OPEN, StoreError, explain
from .keys import Box, InstallKeyError, load_or_create_key
from .outbox import INSTALL_KEY_ONLY, DueItem, Outbox, Outgoing  # noqa: F401 (the store's API)
from .schema import migrate
from .staff import Staff

STATES = ("queued", "sending", "delivered", "rejected")
_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}  # what "damaged" means
SYSTEM = "kiosk"


@dataclass(frozen=True)
class DraftLookup:
    status: str  # "found", "typo" (the check character is wrong), "unknown", "expired"
    draft_id: str | None = None
    form_id: str | None = None
    form_version: str | None = None
    expires_at: str | None = None
    saved_at: str | None = None


def _resume_hash(code_chars: str) -> str:
    return hashlib.sha256(code_chars.encode()).hexdigest()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")  # deleted answers are overwritten, not just unlinked
    return conn


class Store(Outbox, Staff):
    def __init__(self, path: Path | str, *, site_id: str = "KIOSK",
                 clock: Callable[[], datetime] = utc_now, draft_expiry_days: int = 30,
                 delivered_retention_days: int = 7, autosave_grace_minutes: int = 15,
                 set_aside_damage: bool = True, sealing_keys: dict | None = None):
        self.path = Path(path)
        # destination name -> its sealer (a SealingKey for the REST contract; the sync worker
        # adds one for each OpenRosa destination): submissions to these are sealed as stored
        self.sealing_keys = dict(sealing_keys or {})
        self.site_id = site_id
        self.clock = clock
        self.draft_expiry = timedelta(days=draft_expiry_days)
        self.retention = timedelta(days=delivered_retention_days)
        self.autosave_grace = timedelta(minutes=autosave_grace_minutes)
        self.warnings: list[str] = []
        self._damage: dict | None = None  # what was wrong with a database set aside at start
        self.set_aside_damage = set_aside_damage  # False for a look only (kiosk status)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            install_key = load_or_create_key(self.path.parent)
            self._box = Box(install_key)
            self._audit_key = audit.chain_key(install_key)
        except PermissionError as error:
            raise StoreError(CANNOT_OPEN.format(path=self.path.parent, reason=error.strerror)) from None
        except InstallKeyError as error:
            raise StoreError(str(error)) from None
        except OSError as error:
            if error.errno == 28:  # ENOSPC
                raise explain(sqlite3.OperationalError("database or disk is full")) from None
            raise StoreError(CANNOT_OPEN.format(path=self.path.parent, reason=error.strerror)) from None
        self._conn = self._open_checked()
        self._db = Database(self._conn)
        try:
            with self._lock:
                migrate(self._db)
        except sqlite3.Error as error:
            raise explain(error) from None
        if self._damage is not None:
            self.record("integrity_problem", self._damage)

    @classmethod
    def from_config(cls, config, set_aside_damage: bool = True) -> Store:
        store = cls(config.database_path, site_id=config.site_id,
                    draft_expiry_days=config.draft_expiry_days,
                    delivered_retention_days=config.delivered_retention_days,
                    autosave_grace_minutes=config.autosave_grace_minutes,
                    set_aside_damage=set_aside_damage)
        store.load_sealing_keys(config.destinations)
        return store

    def load_sealing_keys(self, destinations: dict) -> None:
        """Each REST destination's key: from the config, else the one fetched from the service
        earlier; either way only if its fingerprint is the pinned one. (An OpenRosa
        destination's sealer needs the forms: the sync worker adds it.)"""
        for name, destination in destinations.items():
            if getattr(destination, "type", "rest") != "rest":
                continue
            text = destination.public_key or (self.setting(f"sealing_key:{name}") or {}).get("key")
            if text is None:
                continue
            try:
                self.sealing_keys[name] = SealingKey.from_text(text, destination.key_fingerprint)
            except SealingError:
                continue  # a key fetched before the pin changed: fetch again

    # -- opening ------------------------------------------------------------------------------
    def _open_checked(self) -> sqlite3.Connection:
        """Open the database; a damaged one is moved aside (kept for IT) and a fresh one made."""
        problem = None
        conn = None
        try:
            conn = _connect(self.path)
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                problem = "; ".join(result[:3])
        except sqlite3.DatabaseError as error:
            if conn is not None:
                conn.close()
            if getattr(error, "sqlite_errorcode", None) not in _DAMAGE_CODES:
                # Locked, busy, an I/O error, no space: the file may be fine. Say so, and
                # never set a queue of submissions aside for it.
                raise explain(error) from None
            conn, problem = None, str(error)
        if problem is None:
            return conn
        if conn is not None:
            conn.close()
        if not self.set_aside_damage:
            raise StoreError(f"The kiosk's database {self.path} is damaged ({problem[:200]}). "
                             "Starting the kiosk sets it aside and begins a new one; ask IT first.")
        moved = self._move_aside()
        conn = _connect(self.path)
        self.warnings.append(
            f"The kiosk's database was damaged and has been set aside as {moved.name}; "
            "the kiosk started with an empty one. Ask IT to look at the old file.")
        self._damage = {"moved_to": moved.name, "problem": problem[:200]}
        return conn

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

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the one writer; any SQLite failure becomes a clear StoreError and
        leaves nothing half-written (the transaction is rolled back)."""
        with self._lock:
            try:
                with self._db.atomic():
                    yield self._conn
            except sqlite3.Error as error:
                raise explain(error) from None

    def reader(self) -> sqlite3.Connection:
        """A separate read-only connection (WAL lets it read while the writer writes)."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        conn.execute("PRAGMA query_only=ON")
        return conn

    def record(self, event: str, detail: dict | None = None, actor: str = SYSTEM) -> None:
        """Add an entry to the audit log (no citizen data in `detail`)."""
        with self._writing() as conn:
            self._audit(conn, actor, event, detail or {})

    def _audit(self, conn: sqlite3.Connection, actor: str, event: str, detail: dict) -> None:
        """An audit entry inside the caller's transaction, so it commits with its cause."""
        audit.append(conn, self._audit_key, iso(self.clock()), actor, event, detail)

    # -- submissions --------------------------------------------------------------------------
    def submit(self, submission: dict, destination: str = "central",
               assisted_by: str | None = None, draft_id: str | None = None) -> str:
        """Store a finished visit durably and queue it; its reference, after the commit.

        Submitting the same visit twice (a double tap on Send) stores it once and returns the
        same reference. The draft it came from (`draft_id`) is deleted in the same commit."""
        instance_id = submission["instance_id"]
        payload = json.dumps(submission, ensure_ascii=False, separators=(",", ":")).encode()
        key = self.sealing_keys.get(destination)
        sealed = sealed_to = deferred = None
        if key is not None:  # from here on, only the destination can read it
            try:
                sealed, sealed_to = self._seal_with(key, payload, instance_id)
            except Exception as error:  # noqa: BLE001 (a visit is never lost to its sealer's
                # trouble: it waits under the install key, and seal_waiting tries again)
                deferred = {"destination": destination, "why": (
                    str(error) if isinstance(error, SealingError) else error.__class__.__name__)[:300]}
        if sealed is None:
            sealed, sealed_to = self._box.seal(payload, f"submission:{instance_id}"), None
        receipt = json.dumps(submission.get("receipt", []), ensure_ascii=False)
        now = iso(self.clock())
        with self._writing() as conn:
            for _ in range(10):  # a clash of references is astronomically rare; try again
                reference = codes.new_reference(self.site_id)
                try:
                    inserted = conn.execute(
                        "INSERT INTO submissions (id, reference, form_id, form_version, language,"
                        " destination, assisted_by, created_at, payload, payload_bytes, receipt,"
                        " sealed_to) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
                        (instance_id, reference, submission["form_id"], submission["form_version"],
                         submission["language"], destination, assisted_by, now, sealed,
                         len(payload), receipt, sealed_to)).rowcount
                except sqlite3.IntegrityError:
                    continue
                break
            else:
                raise StoreError("The kiosk could not make a unique reference number.")
            dropped_draft = draft_id is not None and conn.execute(
                "DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount
            if inserted:
                conn.execute(
                    "INSERT INTO outbox (submission_id, destination, state, next_attempt_at,"
                    " updated_at) VALUES (?, ?, 'queued', ?, ?)",
                    (instance_id, destination, now, now))
                if deferred:
                    self._audit(conn, SYSTEM, "sealing_deferred", deferred)
            else:
                reference = conn.execute("SELECT reference FROM submissions WHERE id = ?",
                                         (instance_id,)).fetchone()[0]
        if dropped_draft:
            self.forget_wal()  # the visit's autosaves, readable with the install key, go too
        return reference

    def submission(self, reference: str) -> dict | None:
        """The stored visit in full while the kiosk can still read it; None when unknown,
        purged, or sealed to its destination (then only the central service can read it)."""
        with self._lock:  # never mid-way through another thread's transaction
            row = self._conn.execute("SELECT id, payload, sealed_to FROM submissions"
                                     " WHERE reference = ?", (reference,)).fetchone()
        if row is None or row[1] is None or row[2] is not None:
            return None
        return json.loads(self._box.open(row[1], f"submission:{row[0]}"))

    def receipt(self, reference: str) -> dict | None:
        """What a reprinted receipt may show: never more than the form marks for it."""
        with self._lock:
            row = self._conn.execute(
                "SELECT s.reference, s.form_id, s.language, s.created_at, s.receipt, o.state,"
                " s.form_version FROM submissions s JOIN outbox o ON o.submission_id = s.id"
                " WHERE s.reference = ?", (reference,)).fetchone()
        if row is None:
            return None
        return {"reference": row[0], "form_id": row[1], "language": row[2], "created_at": row[3],
                "answers": json.loads(row[4]), "state": row[5], "form_version": row[6]}

    # -- drafts -------------------------------------------------------------------------------
    def autosave(self, draft_id: str, state: dict) -> None:
        """Keep the visit so far (encrypted). Replaced after every page; gone at the wipe."""
        blob = self._box.seal(json.dumps(state).encode(), f"draft:{draft_id}")
        now = self.clock()
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO drafts (id, form_id, form_version, saved, created_at, updated_at,"
                " expires_at, payload) VALUES (?,?,?,0,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                " form_version = excluded.form_version, updated_at = excluded.updated_at,"
                " payload = excluded.payload,"
                " expires_at = CASE WHEN saved = 1 THEN expires_at ELSE excluded.expires_at END",
                (draft_id, state["form_id"], state["form_version"], iso(now), iso(now),
                 iso(now + self.autosave_grace), blob))

    def save_for_later(self, draft_id: str, state: dict, actor: str = SYSTEM) -> tuple[str, datetime]:
        """The citizen chose "finish later": a resume code, and the day the draft expires."""
        self.autosave(draft_id, state)
        expires = self.clock() + self.draft_expiry
        with self._writing() as conn:
            for _ in range(10):
                code = codes.new_resume_code()
                try:
                    conn.execute("UPDATE drafts SET saved = 1, resume_hash = ?, expires_at = ?"
                                 " WHERE id = ?", (_resume_hash(codes.normalise(code)),
                                                   iso(expires), draft_id))
                except sqlite3.IntegrityError:
                    continue
                break
            else:
                raise StoreError("The kiosk could not make a unique resume code.")
            self._audit(conn, actor, "draft_saved",
                         {"form_id": state["form_id"], "expires_at": iso(expires)})
        return code, expires

    def find_draft(self, typed_code: str) -> DraftLookup:
        code = codes.read_resume_code(typed_code)
        if code is None:
            return DraftLookup("typo")
        with self._lock:
            row = self._conn.execute(
                "SELECT id, form_id, form_version, expires_at, updated_at FROM drafts"
                " WHERE resume_hash = ? AND saved = 1",
                (_resume_hash(codes.normalise(code)),)).fetchone()
        if row is None:
            return DraftLookup("unknown")
        if row[3] <= iso(self.clock()):
            return DraftLookup("expired", *row)
        return DraftLookup("found", *row)

    def interrupted_autosaves(self, excluding: str | None = None) -> list[DraftLookup]:
        """Autosaves a crash or power cut left behind (a visit's own goes at its wipe), newest
        first, while their grace lasts: a helper can continue one with the citizen.
        `excluding`: the visit on screen now, whose autosave is not a leftover."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, form_id, form_version, expires_at, updated_at FROM drafts"
                " WHERE saved = 0 AND expires_at > ? AND id IS NOT ? ORDER BY updated_at DESC",
                (iso(self.clock()), excluding)).fetchall()
        return [DraftLookup("found", *row) for row in rows]

    def load_draft(self, draft_id: str, actor: str = SYSTEM) -> dict | None:
        with self._lock:
            row = self._conn.execute("SELECT payload, form_id FROM drafts WHERE id = ?",
                                     (draft_id,)).fetchone()
        if row is None:
            return None
        try:
            state = json.loads(self._box.open(row[0], f"draft:{draft_id}"))
        except (InstallKeyError, ValueError):
            raise StoreError("This saved form cannot be opened on this kiosk.") from None
        self.record("draft_resumed", {"form_id": row[1]}, actor)
        return state

    def delete_draft(self, draft_id: str, actor: str = SYSTEM) -> bool:
        with self._writing() as conn:
            gone = conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount
            if gone:
                self._audit(conn, actor, "draft_deleted", {})
        if gone:
            self.forget_wal()
        return bool(gone)

    def discard_autosave(self, draft_id: str) -> None:
        """The wipe: an autosave the citizen did not choose to keep is deleted."""
        with self._writing() as conn:
            gone = conn.execute("DELETE FROM drafts WHERE id = ? AND saved = 0",
                                (draft_id,)).rowcount
        if gone:
            self.forget_wal()

    def forget_wal(self) -> None:
        """Deleted answers may still sit in the write-ahead log (earlier autosaves, say): copy
        the log into the database, whose deleted pages secure_delete overwrote, and empty it."""
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def draft_form_versions(self) -> set[tuple[str, str]]:
        """The form versions saved drafts began on: they must stay available to resume."""
        with self._lock:
            return set(self._conn.execute("SELECT DISTINCT form_id, form_version FROM drafts"))

    @staticmethod
    def new_draft_id() -> str:
        return str(uuid.uuid4())

    # -- retention ----------------------------------------------------------------------------
    def purge(self) -> dict[str, int]:
        """Delete expired drafts, stale autosaves and delivered payloads past retention."""
        now = self.clock()
        with self._writing() as conn:
            expired = conn.execute("DELETE FROM drafts WHERE saved = 1 AND expires_at <= ?",
                                   (iso(now),)).rowcount
            stale = conn.execute("DELETE FROM drafts WHERE saved = 0 AND expires_at <= ?",
                                 (iso(now),)).rowcount
            payloads = conn.execute(
                "UPDATE submissions SET payload = NULL, payload_deleted_at = ?"
                " WHERE payload IS NOT NULL AND id IN (SELECT submission_id FROM outbox"
                " WHERE state = 'delivered' AND delivered_at <= ?)",
                (iso(now), iso(now - self.retention))).rowcount
            counts = {"expired_drafts": expired, "abandoned_autosaves": stale,
                      "delivered_payloads": payloads}
            if any(counts.values()):
                self._audit(conn, SYSTEM, "purge", counts)
        if any(counts.values()):
            self.forget_wal()
        return counts

    def note_config(self, settings: dict[str, object], source: str | None) -> list[str]:
        """Audit which configuration keys changed since the last start (names only: values
        may be secrets such as tokens). Returns the changed key names."""
        digests = {key: hashlib.sha256(repr(value).encode()).hexdigest()
                   for key, value in sorted(settings.items())}
        # Read, compare and write in one transaction under the writer's lock: another thread
        # writing at start (sync, the task runner) must not see or cause a half-done note.
        with self._writing() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = 'config'").fetchone()
            before = json.loads(row[0]) if row else None
            changed = sorted(k for k in digests.keys() | (before or {}).keys()
                             if (before or {}).get(k) != digests.get(k))
            if before is not None and not changed:
                return []
            conn.execute("INSERT INTO settings (key, value, updated_at) VALUES ('config', ?, ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                         " updated_at = excluded.updated_at", (json.dumps(digests), iso(self.clock())))
            self._audit(conn, SYSTEM, "config_changed",
                         {"keys": changed if before is not None else ["(first start)"],
                          "file": source})
        return changed

    # -- looking after it ---------------------------------------------------------------------
    def verify_audit(self) -> audit.ChainCheck:
        with self._lock:
            return audit.verify(self._conn, self._audit_key)

    def status(self) -> dict:
        conn = self.reader()
        try:
            queue = self.queue_summary(conn)
            last_sync = conn.execute("SELECT value FROM settings WHERE key = 'last_sync_at'").fetchone()
            unsealed = conn.execute("SELECT count(*) FROM submissions WHERE sealed_to IS NULL"
                                    " AND payload IS NOT NULL").fetchone()[0]
            install_key_only = conn.execute(
                "SELECT count(*) FROM submissions WHERE sealed_to = ? AND payload IS NOT NULL",
                (INSTALL_KEY_ONLY,)).fetchone()[0]
            sync = {key.removeprefix("sync:"): json.loads(value) for key, value in conn.execute(
                "SELECT key, value FROM settings WHERE key LIKE 'sync:%'")}
            drafts = dict(conn.execute("SELECT saved, count(*) FROM drafts GROUP BY saved").fetchall())
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            chain = audit.verify(conn, self._audit_key)
        finally:
            conn.close()
        size = sum(Path(f"{self.path}{s}").stat().st_size
                   for s in ("", "-wal") if Path(f"{self.path}{s}").exists())
        return {
            "database": str(self.path),
            "database_bytes": size,
            "integrity": "ok" if integrity == ["ok"] else "; ".join(integrity[:3]),
            "audit_chain": chain.describe(),
            "audit_chain_ok": chain.ok,
            "submissions": queue["counts"],
            "oldest_waiting": queue["oldest_waiting"],
            "last_sync": json.loads(last_sync[0]) if last_sync else None,
            "not_yet_sealed": unsealed,
            # ready for an OpenRosa server, but protected by this kiosk's key only (docs/sync.md)
            "install_key_only": install_key_only,
            "sync": sync,
            "drafts_saved": drafts.get(1, 0),
            "drafts_in_progress": drafts.get(0, 0),
            "warnings": list(self.warnings),
        }
