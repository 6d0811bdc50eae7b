"""Drafts: a visit kept before it is sent (`store.drafts`).

Two kinds, one table. An autosave is the visit so far, replaced after every page and deleted
at the visit's wipe; one a crash left behind lives for `autosave_grace` so a helper can
continue it with the citizen. A saved draft is one the citizen chose to finish later: it gets a
resume code (only its hash is kept) and lives for `draft_expiry`.

Contract: a draft's state is sealed with the install key, so only this kiosk reads it back.
Saving, resuming and deleting a saved draft are in the audit log (the form, never answers).
Deleting a draft also forgets the write-ahead log, so no readable copy stays behind.
Sending a visit deletes its draft in the same commit (the outbox does that).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from . import codes
from .clock import iso
from .code_guard import GUARD_SETTING, CodeGuard
from .db import SYSTEM, Db
from .errors import StoreError
from .keys import InstallKeyError

if TYPE_CHECKING:
    from ..forms.snapshot import SessionState
    from .settings import Settings


# typo: the check character is wrong; wait: wrong codes have paused look-ups (code_guard.py)
LookupStatus = Literal["found", "typo", "unknown", "expired", "wait"]


@dataclass(frozen=True)
class DraftLookup:
    status: LookupStatus
    draft_id: str | None = None
    form_id: str | None = None
    form_version: str | None = None
    expires_at: str | None = None
    saved_at: str | None = None
    wait_seconds: float = 0.0  # until codes are looked at again (a wrong one may start it)


_LOOKUP_COLUMNS = ("id AS draft_id, form_id, form_version, expires_at,"
                   " updated_at AS saved_at")


def _lookup(status: LookupStatus, row: sqlite3.Row) -> DraftLookup:
    return DraftLookup(status, draft_id=row["draft_id"], form_id=row["form_id"],
                       form_version=row["form_version"], expires_at=row["expires_at"],
                       saved_at=row["saved_at"])


def resume_key(install_key: bytes) -> bytes:
    """The key resume codes are hashed with: the install key's, for this use only."""
    return hmac.new(install_key, b"kiosk resume codes", hashlib.sha256).digest()


_KEYED = "k2:"  # HMAC of the code's characters
_WRAPPED = "k1:"  # HMAC of an older kiosk's bare SHA-256 of them


def _keyed(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _resume_hashes(key: bytes, code_chars: str) -> tuple[str, str]:
    """What a code is stored as: today's hash, and an older kiosk's as wrapped at start."""
    return (_KEYED + _keyed(key, code_chars),
            _WRAPPED + _keyed(key, hashlib.sha256(code_chars.encode()).hexdigest()))


class Drafts:
    def __init__(self, db: Db, settings: Settings, code_key: bytes, *,
                 draft_expiry: timedelta, autosave_grace: timedelta):
        self._db = db
        self._settings = settings
        self._code_key = code_key
        self.draft_expiry = draft_expiry
        self.autosave_grace = autosave_grace

    def wrap_old_code_hashes(self) -> int:
        """An older kiosk's bare SHA-256 of each code, wrapped in an HMAC (its code still opens
        its draft); how many. A bare hash of 35 bits is searched in seconds."""
        bare_hashes = ("SELECT id, resume_hash FROM drafts WHERE resume_hash IS NOT NULL"
                       " AND resume_hash NOT LIKE 'k_:%'")
        if not self._db.read_all(bare_hashes):  # the usual start: no write at all
            return 0
        with self._db.writing() as conn:
            old = conn.execute(bare_hashes).fetchall()
            for draft_id, bare in old:
                conn.execute("UPDATE drafts SET resume_hash = ? WHERE id = ?",
                             (_WRAPPED + _keyed(self._code_key, bare), draft_id))
        if old:
            self._db.forget_wal()  # the bare hashes, out of the log too
        return len(old)

    @staticmethod
    def new_draft_id() -> str:
        return str(uuid.uuid4())

    def autosave(self, draft_id: str, state: SessionState) -> None:
        """Keep the visit so far (encrypted). Replaced after every page; gone at the wipe."""
        blob = self._db.box.seal(json.dumps(state).encode(), f"draft:{draft_id}")
        now = self._db.clock()
        with self._db.writing() as conn:
            conn.execute(
                "INSERT INTO drafts (id, form_id, form_version, saved, created_at, updated_at,"
                " expires_at, payload) VALUES (?,?,?,0,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                " form_version = excluded.form_version, updated_at = excluded.updated_at,"
                " payload = excluded.payload,"
                " expires_at = CASE WHEN saved = 1 THEN expires_at ELSE excluded.expires_at END",
                (draft_id, state["form_id"], state["form_version"], iso(now), iso(now),
                 iso(now + self.autosave_grace), blob))

    def save_for_later(self, draft_id: str, state: SessionState,
                       actor: str = SYSTEM) -> tuple[str, datetime]:
        """The citizen chose "finish later": a resume code, and the day the draft expires."""
        self.autosave(draft_id, state)
        expires = self._db.clock() + self.draft_expiry
        with self._db.writing() as conn:
            for _ in range(10):
                code = codes.new_resume_code()
                try:
                    conn.execute("UPDATE drafts SET saved = 1, resume_hash = ?, expires_at = ?"
                                 " WHERE id = ?", (_resume_hashes(self._code_key,
                                                                  codes.normalise(code))[0],
                                                   iso(expires), draft_id))
                except sqlite3.IntegrityError:
                    continue
                break
            else:
                raise StoreError("The kiosk could not make a unique resume code.")
            self._db.audit(conn, actor, "draft_saved",
                           {"form_id": state["form_id"], "expires_at": iso(expires)})
        return code, expires

    def find_draft(self, typed_code: str) -> DraftLookup:
        """The saved draft a code opens (a helper's look-up: not held back by the wait)."""
        code = codes.read_resume_code(typed_code)
        if code is None:
            return DraftLookup("typo")
        row = self._db.read_one(
            f"SELECT {_LOOKUP_COLUMNS} FROM drafts WHERE resume_hash IN (?, ?) AND saved = 1",
            _resume_hashes(self._code_key, codes.normalise(code)))
        if row is None:
            return DraftLookup("unknown")
        if row["expires_at"] <= self._db.stamp():
            return _lookup("expired", row)
        return _lookup("found", row)

    def try_code(self, typed_code: str) -> DraftLookup:
        """A code a citizen typed: `find_draft`, unless wrong codes have paused look-ups on
        this kiosk ("wait"); one that opens nothing counts towards the wait (code_guard.py),
        and a wait it starts is in the audit log."""
        now = self._db.clock()
        guard = self.code_guard()
        if guard.remaining(now) > 0:
            return DraftLookup("wait", wait_seconds=guard.remaining(now))
        found = self.find_draft(typed_code)
        if found.status != "unknown":
            return found
        with self._db.writing() as conn:
            guard = CodeGuard.from_json(self._settings.get(GUARD_SETTING))  # under the lock
            after = guard.after_wrong(now)
            self._settings.put_in(conn, GUARD_SETTING, after.as_json())
            if after.wait_until != guard.wait_until:
                self._db.audit(conn, SYSTEM, "resume_code_wait",
                               {"wrong_codes_in_hour": after.in_last_hour(now),
                                "wait": after.waits, "seconds": round(after.remaining(now))})
        return DraftLookup("unknown", wait_seconds=after.remaining(now))

    def code_guard(self) -> CodeGuard:
        return CodeGuard.from_json(self._settings.get(GUARD_SETTING))

    def interrupted_autosaves(self, excluding: str | None = None) -> list[DraftLookup]:
        """Autosaves a crash or power cut left behind (a visit's own goes at its wipe), newest
        first, while their grace lasts: a helper can continue one with the citizen.
        `excluding`: the visit on screen now, whose autosave is not a leftover."""
        rows = self._db.read_all(
            f"SELECT {_LOOKUP_COLUMNS} FROM drafts"
            " WHERE saved = 0 AND expires_at > ? AND id IS NOT ? ORDER BY updated_at DESC",
            (self._db.stamp(), excluding))
        return [_lookup("found", row) for row in rows]

    def load_draft(self, draft_id: str, actor: str = SYSTEM) -> SessionState | None:
        row = self._db.read_one("SELECT payload, form_id FROM drafts WHERE id = ?", (draft_id,))
        if row is None:
            return None
        try:
            state: SessionState = json.loads(self._db.box.open(row["payload"],
                                                               f"draft:{draft_id}"))
        except (InstallKeyError, ValueError):
            raise StoreError("This saved form cannot be opened on this kiosk.") from None
        self._db.record("draft_resumed", {"form_id": row["form_id"]}, actor)
        return state

    def delete_draft(self, draft_id: str, actor: str = SYSTEM) -> bool:
        with self._db.writing() as conn:
            gone = conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount
            if gone:
                self._db.audit(conn, actor, "draft_deleted", {})
        if gone:
            self._db.forget_wal()
        return bool(gone)

    def discard_autosave(self, draft_id: str) -> None:
        """The wipe: an autosave the citizen did not choose to keep is deleted."""
        with self._db.writing() as conn:
            gone = conn.execute("DELETE FROM drafts WHERE id = ? AND saved = 0",
                                (draft_id,)).rowcount
        if gone:
            self._db.forget_wal()

    def draft_form_versions(self) -> set[tuple[str, str]]:
        """The form versions saved drafts began on: they must stay available to resume."""
        return {(row["form_id"], row["form_version"]) for row in self._db.read_all(
            "SELECT DISTINCT form_id, form_version FROM drafts")}
