"""The kiosk's own settings: small JSON values by key, kept in its database (`store.settings`).

Contract: `get` gives back what `put` stored (JSON: a key's shape is its writers' business),
or the default for a key never written. Another part that writes a setting as part of a larger
change uses `put_in(conn, ...)` inside its own transaction, so both commit together.
`note_config` puts in the audit log which configuration keys changed since the last start.

Keys in use include last_sync_at, sync:<destination>, sealing_key:<destination>, forms_etag,
forms_pull (sync/), helper_unlock_lock (staff.py), resume_code_guard (code_guard.py), config
(note_config), kiosk_settings (what staff changed in helper mode) and consultation_results
(kiosk/consultation.py).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from .db import SYSTEM, Db, single_value

Json = Any  # a JSON value, as stored; each key has a shape of its own


class Settings:
    def __init__(self, db: Db):
        self._db = db

    def get(self, key: str, default: Json = None) -> Json:
        row = self._db.read_one("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(row["value"]) if row else default

    def put(self, key: str, value: Json) -> None:
        with self._db.writing() as conn:
            self.put_in(conn, key, value)

    def put_in(self, conn: sqlite3.Connection, key: str, value: Json) -> None:
        """`put`, inside the caller's transaction (from `Db.writing`)."""
        conn.execute("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                     " updated_at = excluded.updated_at",
                     (key, json.dumps(value), self._db.stamp()))

    def note_config(self, settings: dict[str, object], source: str | None) -> list[str]:
        """Audit which configuration keys changed since the last start (names only: values
        may be secrets such as tokens). Returns the changed key names."""
        digests = {key: hashlib.sha256(repr(value).encode()).hexdigest()
                   for key, value in sorted(settings.items())}
        # Read, compare and write in one transaction under the writer's lock: another thread
        # writing at start (sync, the task runner) must not see or cause a half-done note.
        with self._db.writing() as conn:
            stored = single_value(conn, "SELECT value FROM settings WHERE key = 'config'")
            before: dict[str, str] | None = json.loads(stored) if stored is not None else None
            known = before or {}
            changed = sorted(k for k in digests.keys() | known.keys()
                             if known.get(k) != digests.get(k))
            if before is not None and not changed:
                return []
            self.put_in(conn, "config", digests)
            self._db.audit(conn, SYSTEM, "config_changed",
                           {"keys": changed if before is not None else ["(first start)"],
                            "file": source})
        return changed
