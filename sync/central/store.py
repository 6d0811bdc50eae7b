"""The central service's durable state: its private keys (keyring.py) and its SQLite database.

One writer connection guarded by a lock, with synchronous=FULL so a receipt is only given for
a submission that survives a power cut; readers open their own connections (WAL). Tokens are
kept only as sha256 hashes. Submissions are kept sealed and opened only when staff read them.
Rows are read by column name (sqlite3.Row, per cursor: `named`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypedDict

from sqlite_utils import Database

from kiosk.store.db import named

from .errors import CentralError
from .keyring import Keyring, WatchedKeyring
from .receipt_key import load_or_create_signer
from .schema import migrate

DB_FILE = "central.db"
FORMS_DIR = "forms"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def connect(path: Path) -> sqlite3.Connection:
    # Autocommit mode: every transaction is an explicit BEGIN IMMEDIATE ... COMMIT.
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a receipt is only given for a commit on disk
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@dataclass(frozen=True)
class Device:
    id: str
    revoked: bool


@dataclass(frozen=True)
class Incoming:
    """A submission's outer fields, as the kiosk sent them (already checked)."""

    instance_id: str
    reference: str
    device_id: str
    form_id: str
    form_version: str
    created_at: str


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    instance_id: str
    received_at: str
    payload_sha256: str  # of the opened payload: what the kiosk sealed, as it knows it too

    def as_json(self) -> dict[str, str]:
        """Unsigned: the service signs it as it answers (CentralStore.receipts)."""
        return {"receipt_id": self.receipt_id, "instance_id": self.instance_id,
                "received_at": self.received_at, "payload_sha256": self.payload_sha256}


@dataclass(frozen=True)
class Outcome:
    kind: Literal["created", "replayed", "conflict"]  # replayed: the same payload again;
    # conflict: another payload under the same instance id
    receipt: Receipt | None


@dataclass(frozen=True)
class AuditReport:
    """What a heartbeat says of the kiosk's audit log (already checked)."""

    head_seq: int  # the newest entry (0: none yet)
    head_hash: str | None
    anchor_seq: int | None  # the entry central anchored last, as the kiosk was told
    anchor_hash: str | None  # its hash as the kiosk's log holds it now


AuditState = Literal["ok", "cut short", "rewritten", "not proven"]
_PROBLEMS: dict[str, AuditState] = {"cut short": "cut short", "rewritten": "rewritten",
                                    "not proven": "not proven"}


class AuditVerdict(TypedDict):
    """Central's word on a kiosk's audit log (JSON: the heartbeat's answer, the fleet view)."""

    state: AuditState
    detail: str  # "" when ok
    since: str | None  # when the problem was seen; it stays until staff accept it
    anchor_seq: int  # the entry now anchored: the kiosk shows its hash at the next heartbeat
    anchored_at: str


class SubmissionRecord(TypedDict):
    """A submission as staff export it (JSON: GET /v1/submissions), its payload opened."""

    instance_id: str
    reference: str
    device_id: str
    form_id: str
    form_version: str
    created_at: str
    received_at: str
    receipt_id: str
    payload: dict[str, Any]


class Heartbeat(TypedDict):
    """A device's last report (JSON)."""

    received_at: str
    queue_depth: int
    rejected: int
    oldest_waiting: str | None
    last_sync_at: str | None
    version: str
    free_disk_bytes: int


class DeviceRecord(TypedDict):
    """A device as staff see it (JSON: GET /v1/devices)."""

    id: str
    created_at: str
    revoked: bool
    last_heartbeat: Heartbeat | None
    audit: AuditVerdict | None  # None until a kiosk that reports its audit log beats


_SUBMISSION_COLUMNS = ("instance_id", "reference", "device_id", "form_id", "form_version",
                       "created_at", "received_at", "receipt_id")
_HEARTBEAT_COLUMNS = ("received_at", "queue_depth", "rejected", "oldest_waiting", "last_sync_at",
                      "version", "free_disk_bytes")


class CentralStore:
    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self._keyring = WatchedKeyring(self.data_dir)
        self.receipts = load_or_create_signer(self.data_dir)  # signs every receipt it gives
        self.db_path = self.data_dir / DB_FILE
        if not self.db_path.exists():
            raise CentralError(f"The central database {self.db_path} is missing, although the "
                               "key is there; restore it from a backup.")
        self._lock = threading.Lock()
        try:
            self._conn = connect(self.db_path)
            migrate(Database(self._conn))
        except sqlite3.Error as error:
            raise CentralError(f"The central database {self.db_path} cannot be opened "
                               f"({error}).") from None

    @property
    def keyring(self) -> Keyring:
        """The current key and the earlier ones, as the files now hold them (a rotation by
        `kiosk central rotate-key` is seen at the next use)."""
        return self._keyring.current()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the one writer connection; committed before the caller answers."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # a failed COMMIT (disk full) leaves it open
                    self._conn.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.db_path, timeout=10)) as conn:
            yield conn

    # -- settings and tokens ----------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        with self.reading() as conn:
            row = named(conn, "SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row["value"]) if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._writing() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value", (key, value))

    def device_for_token(self, token: str) -> Device | None:
        wanted = hash_token(token)
        with self.reading() as conn:
            row = named(conn, "SELECT id, token_hash, revoked_at FROM devices "
                              "WHERE token_hash = ?", (wanted,)).fetchone()
        if row is None or not hmac.compare_digest(row["token_hash"], wanted):
            return None
        return Device(row["id"], revoked=row["revoked_at"] is not None)

    def is_admin_token(self, token: str) -> bool:
        wanted = hash_token(token)
        with self.reading() as conn:
            row = named(conn, "SELECT token_hash FROM admin_tokens WHERE token_hash = ?",
                        (wanted,)).fetchone()
        return row is not None and hmac.compare_digest(row["token_hash"], wanted)

    def add_admin_token(self) -> str:
        token = new_token()
        with self._writing() as conn:
            conn.execute("INSERT INTO admin_tokens (token_hash, created_at) VALUES (?, ?)",
                         (hash_token(token), utc_now()))
        return token

    def add_device(self, device_id: str) -> str:
        token = new_token()
        with self._writing() as conn:
            if conn.execute("SELECT 1 FROM devices WHERE id = ?", (device_id,)).fetchone():
                raise CentralError(f"A device called {device_id} already exists; choose "
                                   "another name.")
            conn.execute("INSERT INTO devices (id, token_hash, created_at) VALUES (?, ?, ?)",
                         (device_id, hash_token(token), utc_now()))
        return token

    def revoke_device(self, device_id: str) -> None:
        with self._writing() as conn:
            changed = conn.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND "
                                   "revoked_at IS NULL", (utc_now(), device_id)).rowcount
            if not changed and not conn.execute("SELECT 1 FROM devices WHERE id = ?",
                                                (device_id,)).fetchone():
                raise CentralError(f"There is no device called {device_id}.")

    # -- submissions ------------------------------------------------------------------------
    def receive(self, incoming: Incoming, payload_sha256: str, envelope: bytes) -> Outcome:
        """Store a submission once; the same one again gets the first receipt back."""
        return self.receive_many([(incoming, payload_sha256, envelope)])[0]

    def receive_many(self, arrivals: Sequence[tuple[Incoming, str, bytes]]) -> list[Outcome]:
        """Store each (submission, payload digest, envelope) once, in one transaction: a batch
        costs one commit to disk, not one each. Outcomes in the same order."""
        outcomes: list[Outcome] = []
        with self._writing() as conn:
            for incoming, payload_sha256, envelope in arrivals:
                outcomes.append(self._receive_one(conn, incoming, payload_sha256, envelope))
        return outcomes

    @staticmethod
    def _receive_one(conn: sqlite3.Connection, incoming: Incoming, payload_sha256: str,
                     envelope: bytes) -> Outcome:
        row = named(conn, "SELECT receipt_id, received_at, payload_sha256 FROM submissions "
                          "WHERE instance_id = ?", (incoming.instance_id,)).fetchone()
        if row is not None:
            if not hmac.compare_digest(row["payload_sha256"], payload_sha256):
                return Outcome("conflict", None)
            return Outcome("replayed", Receipt(row["receipt_id"], incoming.instance_id,
                                               row["received_at"], row["payload_sha256"]))
        receipt = Receipt("rcpt-" + secrets.token_hex(12), incoming.instance_id, utc_now(),
                          payload_sha256)
        conn.execute(
            "INSERT INTO submissions (instance_id, seq, reference, device_id, form_id, "
            "form_version, created_at, received_at, receipt_id, payload_sha256, envelope) "
            "VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM submissions), "
            "?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (incoming.instance_id, incoming.reference, incoming.device_id, incoming.form_id,
             incoming.form_version, incoming.created_at, receipt.received_at,
             receipt.receipt_id, payload_sha256, envelope))
        return Outcome("created", receipt)

    def submissions(self, form_id: str | None = None, after: str | None = None,
                    limit: int | None = None) -> tuple[list[SubmissionRecord], str | None]:
        """Opened submissions in receive order, and the cursor for the next page (or None).

        `after` is the receipt id the previous page ended with; an unknown one is CentralError.
        """
        with self.reading() as conn:
            start = 0
            if after is not None:
                row = named(conn, "SELECT seq FROM submissions WHERE receipt_id = ?",
                            (after,)).fetchone()
                if row is None:
                    raise CentralError("after is not a receipt id this service gave out")
                start = row["seq"]
            sql = (f"SELECT {', '.join(_SUBMISSION_COLUMNS)}, envelope FROM submissions "
                   "WHERE seq > ?" + (" AND form_id = ?" if form_id is not None else "")
                   + " ORDER BY seq" + (" LIMIT ?" if limit is not None else ""))
            params: list[object] = [start] + ([form_id] if form_id is not None else [])
            params += [limit + 1] if limit is not None else []
            rows = named(conn, sql, params).fetchall()
        more = limit is not None and len(rows) > limit
        page = [self._opened(row) for row in (rows[:limit] if limit is not None else rows)]
        return page, (page[-1]["receipt_id"] if more else None)

    def _opened(self, row: sqlite3.Row) -> SubmissionRecord:
        return SubmissionRecord(
            instance_id=row["instance_id"], reference=row["reference"],
            device_id=row["device_id"], form_id=row["form_id"],
            form_version=row["form_version"], created_at=row["created_at"],
            received_at=row["received_at"], receipt_id=row["receipt_id"],
            payload=json.loads(self.keyring.open(row["envelope"], row["instance_id"])))

    # -- devices and heartbeats -------------------------------------------------------------
    def record_heartbeat(self, device_id: str, beat: Mapping[str, object],
                         audit: AuditReport | None = None) -> tuple[str, AuditVerdict | None]:
        """Keep the device's last report; with `audit`, check its log against the anchor
        kept from the last one and anchor its new head. The time, and the verdict."""
        now = utc_now()
        values = {**beat, "received_at": now}
        with self._writing() as conn:
            conn.execute(
                f"INSERT INTO heartbeats (device_id, {', '.join(_HEARTBEAT_COLUMNS)}) "
                f"VALUES (?, {', '.join('?' * len(_HEARTBEAT_COLUMNS))}) "
                "ON CONFLICT (device_id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in _HEARTBEAT_COLUMNS),
                (device_id, *(values[c] for c in _HEARTBEAT_COLUMNS)))
            verdict = _anchor(conn, device_id, audit, now) if audit is not None else None
        return now, verdict

    def accept_audit(self, device_id: str) -> bool:
        """Staff have looked into a device's audit problem: clear it (the anchor stays)."""
        with self._writing() as conn:
            return conn.execute("UPDATE audit_anchors SET problem = NULL, problem_at = NULL "
                                "WHERE device_id = ? AND problem IS NOT NULL",
                                (device_id,)).rowcount > 0

    def devices(self) -> list[DeviceRecord]:
        with self.reading() as conn:
            rows = named(
                conn,
                f"SELECT d.id, d.created_at, d.revoked_at, h.device_id AS beat_from, "
                f"{', '.join('h.' + c for c in _HEARTBEAT_COLUMNS)}, a.device_id AS anchored, "
                "a.seq AS anchor_seq, a.anchored_at, a.problem, a.problem_at "
                "FROM devices d LEFT JOIN heartbeats h ON h.device_id = d.id "
                "LEFT JOIN audit_anchors a ON a.device_id = d.id ORDER BY d.id"
            ).fetchall()
        return [DeviceRecord(id=row["id"], created_at=row["created_at"],
                             revoked=row["revoked_at"] is not None,
                             last_heartbeat=_heartbeat(row) if row["beat_from"] is not None
                             else None,
                             audit=_verdict(row) if row["anchored"] is not None else None)
                for row in rows]


def _heartbeat(row: sqlite3.Row) -> Heartbeat:
    return Heartbeat(received_at=row["received_at"], queue_depth=row["queue_depth"],
                     rejected=row["rejected"], oldest_waiting=row["oldest_waiting"],
                     last_sync_at=row["last_sync_at"], version=row["version"],
                     free_disk_bytes=row["free_disk_bytes"])


def _anchor(conn: sqlite3.Connection, device_id: str, audit: AuditReport,
            now: str) -> AuditVerdict:
    """Check a heartbeat's audit report against the anchor kept for the device, then anchor
    the reported head (so the next report is checked against it). A problem found is kept,
    with its time, until staff accept it; a later one does not hide the first."""
    row = named(conn, "SELECT seq, hash, anchored_at, problem, problem_at FROM audit_anchors "
                      "WHERE device_id = ?", (device_id,)).fetchone()
    problem = _problem(row, audit) if row is not None else None
    head_hash = audit.head_hash or ""
    if row is None:
        conn.execute("INSERT INTO audit_anchors (device_id, seq, hash, anchored_at) "
                     "VALUES (?, ?, ?, ?)", (device_id, audit.head_seq, head_hash, now))
    else:
        if row["problem"] is not None or problem is None:  # the first problem stays on record
            problem, problem_at = row["problem"], row["problem_at"]
        else:
            problem_at = now
        conn.execute("UPDATE audit_anchors SET seq = ?, hash = ?, anchored_at = ?, problem = ?, "
                     "problem_at = ? WHERE device_id = ?",
                     (audit.head_seq, head_hash, now, problem, problem_at, device_id))
    found = named(conn, "SELECT seq AS anchor_seq, anchored_at, problem, problem_at "
                        "FROM audit_anchors WHERE device_id = ?", (device_id,)).fetchone()
    return _verdict(found)


def _problem(anchor: sqlite3.Row, audit: AuditReport) -> str | None:
    """What is wrong with the kiosk's log, measured against the anchor; None when nothing."""
    seq = anchor["seq"]
    if audit.head_seq < seq:
        return (f"cut short: entry {seq} was reported on {anchor['anchored_at']}, and the log "
                f"now ends at entry {audit.head_seq}")
    if seq == 0:
        return None  # the log was empty then: there is nothing to prove
    if audit.anchor_seq != seq or audit.anchor_hash is None:
        return (f"not proven: the kiosk did not show entry {seq} (its data may have been "
                "replaced or restored)")
    if not hmac.compare_digest(audit.anchor_hash, anchor["hash"]):
        return (f"rewritten: entry {seq} is not what it was when reported on "
                f"{anchor['anchored_at']}")
    return None


def _verdict(row: sqlite3.Row) -> AuditVerdict:
    problem: str | None = row["problem"]
    state: AuditState = "ok" if problem is None else \
        _PROBLEMS.get(problem.partition(":")[0], "not proven")
    return AuditVerdict(state=state, detail=problem or "", since=row["problem_at"],
                        anchor_seq=row["anchor_seq"], anchored_at=row["anchored_at"])
