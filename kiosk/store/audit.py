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
    "resume_code_wait",
})


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
