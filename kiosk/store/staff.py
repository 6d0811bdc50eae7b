"""Named helpers (staff), their PINs and what they did (`store.staff`).

Contract: only scrypt hashes of PINs are stored (pins.py; one made at an older, lower cost is
made again at its helper's next right PIN). Unlocking checks the growing lock first (a
locked pad does not even look at the PIN), and every attempt, right or wrong, is in the audit
log by helper name (never the PIN). A PIN identifies its helper, so no two helpers may share
one. Adding, changing and removing helpers and clearing the lock are audited with their actor
("it" from the command line). `recent_audit` is the log as the helper screens show it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from .. import pins
from .audit import AuditEntry, recent
from .db import Db
from .errors import StoreError
from .settings import Settings

LOCK_SETTING = "helper_unlock_lock"

UnlockStatus = Literal["ok", "wrong", "locked", "no_helpers"]


@dataclass(frozen=True)
class UnlockResult:
    status: UnlockStatus
    helper: str | None = None
    locked_for_seconds: float = 0.0  # when status is "locked" (also right after a 5th failure)
    tries_left: int = 0  # before the next lock, when status is "wrong"


def check_helper_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name.strip())
    if not 1 <= len(name) <= 40 or not all(ch.isprintable() for ch in name):
        raise StoreError("A helper's name is 1 to 40 printable characters.")
    return name


class Staff:
    def __init__(self, db: Db, settings: Settings):
        self._db = db
        self._settings = settings

    def helper_names(self) -> list[str]:
        return [row["name"] for row in self._db.read_all("SELECT name FROM helpers ORDER BY name")]

    def set_helper_pin(self, name: str, pin: str, actor: str = "it") -> bool:
        """Add a helper, or give one a new PIN. True when the helper is new."""
        name = check_helper_name(name)
        try:
            pins.check_new_pin(pin)
        except pins.PinRuleError as error:
            raise StoreError(str(error)) from None
        others = self._db.read_all("SELECT pin_hash FROM helpers WHERE name != ?", (name,))
        if any(pins.pin_matches(pin, row["pin_hash"]) for row in others):
            raise StoreError("Another helper already has that PIN; each helper needs their own.")
        stored, now = pins.hash_pin(pin), self._db.stamp()
        with self._db.writing() as conn:
            new = conn.execute("SELECT 1 FROM helpers WHERE name = ?", (name,)).fetchone() is None
            conn.execute("INSERT INTO helpers (name, pin_hash, created_at, updated_at)"
                         " VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                         " pin_hash = excluded.pin_hash, updated_at = excluded.updated_at",
                         (name, stored, now, now))
            self._db.audit(conn, actor, "helper_action",
                           {"action": "helper_added" if new else "pin_changed", "helper": name})
        return new

    def remove_helper(self, name: str, actor: str = "it") -> bool:
        name = check_helper_name(name)
        with self._db.writing() as conn:
            removed = conn.execute("DELETE FROM helpers WHERE name = ?", (name,)).rowcount
            if removed:
                self._db.audit(conn, actor, "helper_action", {"action": "helper_removed",
                                                              "helper": name})
        return bool(removed)

    def reset_unlock_lock(self, actor: str = "it") -> None:
        """IT clears the wrong-PIN lock (a helper who mistyped, a clock that jumped)."""
        with self._db.writing() as conn:
            self._settings.put_in(conn, LOCK_SETTING, {})
            self._db.audit(conn, actor, "helper_action", {"action": "lock_reset"})

    def unlock_state(self) -> pins.LockState:
        return pins.LockState.from_json(self._settings.get(LOCK_SETTING))

    def try_unlock(self, pin: str) -> UnlockResult:
        """Check a PIN typed on the kiosk: the helper it belongs to, or why not."""
        now = self._db.clock()
        state = self.unlock_state()
        if state.remaining(now) > 0:
            return UnlockResult("locked", locked_for_seconds=state.remaining(now))
        helpers = self._db.read_all("SELECT name, pin_hash FROM helpers")
        if not helpers:
            return UnlockResult("no_helpers")
        found = next((row for row in helpers if pins.pin_matches(pin, row["pin_hash"])), None)
        helper: str | None = found["name"] if found is not None else None
        # A hash made at an older, lower cost is made again now, while the PIN is known (and
        # off the database lock: scrypt takes a moment).
        upgraded = (pins.hash_pin(pin) if found is not None and pins.needs_rehash(found["pin_hash"])
                    else None)
        with self._db.writing() as conn:
            if found is not None and helper is not None:
                if upgraded is not None:  # unless IT changed the PIN meanwhile
                    conn.execute("UPDATE helpers SET pin_hash = ? WHERE name = ? AND pin_hash = ?",
                                 (upgraded, helper, found["pin_hash"]))
                self._settings.put_in(conn, LOCK_SETTING, {})
                self._db.audit(conn, helper, "helper_unlock", {})
                return UnlockResult("ok", helper)
            after = state.after_failure(now)
            self._settings.put_in(conn, LOCK_SETTING, after.__dict__)
            self._db.audit(conn, "unknown", "helper_unlock_failed",
                           {"failures": state.failures + 1})
            if after.locked_until is not None and after.lockouts > state.lockouts:
                seconds = after.remaining(now)
                self._db.audit(conn, "unknown", "helper_lockout",
                               {"lockout": after.lockouts, "seconds": round(seconds)})
                return UnlockResult("locked", locked_for_seconds=seconds)
        return UnlockResult("wrong", tries_left=pins.FAILURES_BEFORE_LOCK - after.failures)

    def helper_did(self, helper: str, action: str, **detail: object) -> None:
        """A helper's action in the audit log: who, when, what (never citizen data)."""
        self._db.record("helper_action", {"action": action, **detail}, actor=helper)

    def recent_audit(self, limit: int = 50) -> list[AuditEntry]:
        """The latest audit entries, newest first."""
        with self._db.lock:
            return recent(self._db.conn, limit)
