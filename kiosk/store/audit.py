"""The audit log: append-only, each entry covering the one before by its hash.

Who, when, what; never form contents, PINs, keys or identity numbers (OWASP logging rules).
Changing or removing an old entry breaks the chain from there on, which `verify` finds. The
hashes are keyed (HMAC with a key derived from the install key), so rewriting the log and
recomputing every later hash needs the key file, not just a tool that opens SQLite.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
EVENTS = frozenset({
    "integrity_problem", "draft_saved", "draft_resumed",
    "draft_deleted", "purge", "helper_unlock", "helper_lock",
    "helper_unlock_failed", "helper_lockout", "helper_action", "config_changed",
    "sealed", "sync_stopped", "forms_updated", "retry_rejected", "sealing_deferred",
    "salvaged",
    "retry_all_rejected",
    "resume_code_wait", "audit_guard_restored",
})
# The database refuses to change or remove an entry. Dropped outside the kiosk (a tool that
# opens SQLite can), they are put back at the next start, and that is logged (`guard`).
GUARDS = {
    "audit_no_update": "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "audit_no_delete": "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
}


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    broken_at: int | None = None  # the first entry whose hash does not match

    def describe(self) -> str:
        if self.ok:
            return f"intact ({self.entries} entries)"
        return f"BROKEN at entry {self.broken_at} of {self.entries}: the log was altered"


@dataclass(frozen=True)
class AuditEntry:
    """One entry as staff see it (kiosk/audit_words.py says it in words)."""

    seq: int
    at: str  # UTC, ISO 8601
    actor: str  # a helper's name, "kiosk", "it" or "unknown"
    event: str  # one of EVENTS
    detail: dict[str, Any]  # the entry's JSON: never citizen data


@dataclass(frozen=True)
class Head:
    """The newest entry: what a heartbeat anchors at the central service, where nobody with
    the kiosk's disk can reach it (a log cut short or rewritten is then seen there)."""

    seq: int
    hash: str


def head(conn: sqlite3.Connection) -> Head | None:
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return Head(row[0], row[1]) if row else None


def hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    """Entry `seq`'s hash as the log holds it now (None when there is no such entry)."""
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
    return str(row[0]) if row else None


def missing_guards(conn: sqlite3.Connection) -> list[str]:
    present = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    return sorted(set(GUARDS) - present)


def guard(conn: sqlite3.Connection) -> list[str]:
    """Put back any guard trigger that is missing; the names of those put back."""
    missing = missing_guards(conn)
    for name in missing:
        conn.execute(GUARDS[name])
    return missing


def chain_key(install_key: bytes) -> bytes:
    return hashlib.sha256(b"kiosk audit chain\0" + install_key).digest()


def entry_hash(key: bytes, prev_hash: str, seq: int, at: str, actor: str, event: str,
               detail: str) -> str:
    body = json.dumps([prev_hash, seq, at, actor, event, detail], ensure_ascii=False,
                      separators=(",", ":"))
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def append(conn: sqlite3.Connection, key: bytes, at: str, actor: str, event: str,
           detail: Mapping[str, object]) -> None:
    """Add one entry; call inside the writer's transaction so it commits with its cause."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    last = cursor.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
    detail_text = json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = entry_hash(key, prev_hash, seq, at, actor, event, detail_text)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, event, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
        (seq, at, actor, event, detail_text, prev_hash, digest))


def verify(conn: sqlite3.Connection, key: bytes) -> ChainCheck:
    prev_hash, count, expected_seq = GENESIS, 0, 1
    for seq, at, actor, event, detail, stored_prev, stored_hash in conn.execute(
            "SELECT seq, at, actor, event, detail, prev_hash, hash FROM audit ORDER BY seq"):
        count += 1
        if seq != expected_seq or stored_prev != prev_hash or \
                not hmac.compare_digest(entry_hash(key, prev_hash, seq, at, actor, event, detail),
                                        stored_hash):
            (total,) = conn.execute("SELECT count(*) FROM audit").fetchone()
            return ChainCheck(False, total, seq)
        prev_hash, expected_seq = stored_hash, seq + 1
    return ChainCheck(True, count)


def recent(conn: sqlite3.Connection, limit: int) -> list[AuditEntry]:
    """The latest entries, newest first."""
    return [AuditEntry(seq, at, actor, event, json.loads(detail)) for seq, at, actor, event, detail
            in conn.execute("SELECT seq, at, actor, event, detail FROM audit"
                            " ORDER BY seq DESC LIMIT ?", (limit,))]
