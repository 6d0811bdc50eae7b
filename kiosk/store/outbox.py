"""The outbox: what the sync worker reads and writes, and the settings it keeps.

A mixin of Store (it uses the store's one writer and its clock). The worker claims a batch
(`queued -> sending`), posts each, and records the results for the whole batch in one commit:
the server is idempotent, so a batch cut short by a crash is simply claimed and sent again.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..sealing import Sealed, SealingError
from .clock import iso
from .codes import read_reference
from .errors import StoreError
from .keys import InstallKeyError

if TYPE_CHECKING:
    from ..sealing import SealingKey

UNREADABLE = ("the kiosk cannot open these stored answers with its key (install.key was "
              "replaced, or the data is damaged): ask IT")
# `submissions.sealed_to` for a payload made ready for its destination that no destination key
# protects (an OpenRosa form without a public key): it is sent, but until then only the
# install key protects it. NULL still means "waiting for the destination's key".
INSTALL_KEY_ONLY = "install-key"


@dataclass(frozen=True)
class DueItem:
    submission_id: str
    reference: str
    destination: str
    attempts: int
    next_attempt_at: str


@dataclass(frozen=True)
class Outgoing:
    """One submission as it goes on the wire: metadata in the clear, answers sealed (for an
    OpenRosa form without a public key: the ready package, opened for this request only)."""

    submission_id: str
    reference: str
    form_id: str
    form_version: str
    created_at: str
    attempts: int
    envelope: bytes


class Outbox:
    # -- choosing work ------------------------------------------------------------------------
    def due(self, limit: int = 20, now: datetime | None = None,
            conn: sqlite3.Connection | None = None, destination: str | None = None,
            ignore_backoff: bool = False) -> list[DueItem]:
        """Queued submissions whose next attempt has come (or all of them, for "Send now"),
        oldest first."""
        when = "" if ignore_backoff else " AND o.next_attempt_at <= :now"
        where = " AND o.destination = :destination" if destination else ""
        with self._lock:
            rows = (conn or self._conn).execute(
                "SELECT o.submission_id, s.reference, o.destination, o.attempts, o.next_attempt_at"
                " FROM outbox o JOIN submissions s ON s.id = o.submission_id"
                f" WHERE o.state = 'queued'{when}{where}"  # noqa: S608 (fixed fragments)
                " ORDER BY o.next_attempt_at LIMIT :limit",
                {"now": iso(now or self.clock()), "destination": destination, "limit": limit},
            ).fetchall()
        return [DueItem(*row) for row in rows]

    def recover_interrupted(self) -> int:
        """Claims left by a worker that died (`sending`) go back to the queue, due now."""
        now = iso(self.clock())
        with self._writing() as conn:
            return conn.execute("UPDATE outbox SET state = 'queued', next_attempt_at = ?,"
                                " updated_at = ? WHERE state = 'sending'", (now, now)).rowcount

    def claim(self, submission_ids: list[str]) -> list[Outgoing]:
        """Mark a batch `sending` and return what to post; rows another worker took are skipped,
        and so are payloads not yet sealed (seal_waiting comes first). A payload that only the
        install key protects is opened here, for the request, and never written back."""
        if not submission_ids:
            return []
        now = iso(self.clock())
        marks = ",".join("?" * len(submission_ids))
        with self._writing() as conn:
            rows = conn.execute(
                "SELECT s.id, s.reference, s.form_id, s.form_version, s.created_at, o.attempts,"
                f" s.payload, s.sealed_to FROM submissions s JOIN outbox o ON o.submission_id = s.id"
                f" WHERE s.id IN ({marks}) AND o.state = 'queued'"  # noqa: S608
                " AND s.sealed_to IS NOT NULL AND s.payload IS NOT NULL",
                submission_ids).fetchall()
            claimed = [row[0] for row in rows]
            conn.executemany("UPDATE outbox SET state = 'sending', last_attempt_at = ?,"
                             " updated_at = ? WHERE submission_id = ?",
                             [(now, now, sid) for sid in claimed])
        outgoing = []
        for *fields, payload, sealed_to in rows:
            if sealed_to == INSTALL_KEY_ONLY:
                try:
                    payload = self._box.open(payload, f"submission:{fields[0]}")
                except InstallKeyError:
                    self.mark_rejected(fields[0], UNREADABLE)
                    continue
            outgoing.append(Outgoing(*fields, payload))
        order = {sid: n for n, sid in enumerate(submission_ids)}
        return sorted(outgoing, key=lambda item: order[item.submission_id])

    # -- results ------------------------------------------------------------------------------
    def mark_sending(self, submission_id: str) -> None:
        self._set_state(submission_id, "sending", ("queued", "sending"))

    def mark_delivered(self, submission_id: str, server_receipt: dict) -> None:
        self.mark_delivered_many([(submission_id, server_receipt)])

    def mark_delivered_many(self, results: list[tuple[str, dict]]) -> None:
        """Record the server's receipts for a batch in one commit (and the time of the sync)."""
        if not results:
            return
        now = iso(self.clock())
        with self._writing() as conn:
            changed = sum(conn.execute(
                "UPDATE outbox SET state = 'delivered', attempts = attempts + 1,"
                " last_attempt_at = ?, server_receipt = ?, delivered_at = ?, last_error = NULL,"
                " updated_at = ? WHERE submission_id = ?"
                " AND state IN ('queued', 'sending', 'delivered')",
                (now, json.dumps(receipt), now, now, sid)).rowcount for sid, receipt in results)
            self._put_setting(conn, "last_sync_at", now)
        if changed != len(results):
            raise StoreError(f"{len(results) - changed} delivered submission(s) were not in the outbox")

    def mark_retry(self, submission_id: str, error: str, next_attempt_at: datetime) -> None:
        self._set_state(submission_id, "queued", ("queued", "sending"), attempts=1,
                        last_error=error[:500], next_attempt_at=iso(next_attempt_at))

    def mark_rejected(self, submission_id: str, reason: str) -> None:
        """The server refused it: it waits for staff, and is never retried blindly."""
        self._set_state(submission_id, "rejected", ("queued", "sending"), attempts=1,
                        last_error=reason[:500])

    def release(self, submission_ids: list[str]) -> None:
        """Claimed but not tried (the link went down, or the token was refused): back to the
        queue as they were, without counting an attempt."""
        now = iso(self.clock())
        with self._writing() as conn:
            conn.executemany("UPDATE outbox SET state = 'queued', updated_at = ?"
                             " WHERE submission_id = ? AND state = 'sending'",
                             [(now, sid) for sid in submission_ids])

    def retry_rejected(self, submission_id: str, actor: str) -> None:
        """Staff looked at a rejected submission and send it again (an audited decision)."""
        now = iso(self.clock())
        with self._writing() as conn:
            changed = conn.execute(
                "UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ?"
                " WHERE submission_id = ? AND state = 'rejected'",
                (now, now, submission_id)).rowcount
            if not changed:
                raise StoreError(f"submission {submission_id} is not waiting for staff")
            self._audit(conn, actor, "retry_rejected", {"submission": submission_id})

    def _set_state(self, submission_id: str, state: str, allowed_from: tuple[str, ...],
                   attempts: int = 0, **columns) -> None:
        now = iso(self.clock())
        assignments = "".join(f", {name} = ?" for name in columns)
        with self._writing() as conn:
            changed = conn.execute(
                f"UPDATE outbox SET state = ?, updated_at = ?, attempts = attempts + ?"  # noqa: S608
                f"{', last_attempt_at = ?' if attempts else ''}{assignments}"
                f" WHERE submission_id = ? AND state IN ({','.join('?' * len(allowed_from))})",
                (state, now, attempts, *((now,) if attempts else ()), *columns.values(),
                 submission_id, *allowed_from)).rowcount
        if not changed:
            raise StoreError(f"submission {submission_id} cannot become {state} from its state")

    # -- sealing ------------------------------------------------------------------------------
    def _seal_with(self, key, payload: bytes, submission_id: str) -> tuple[bytes, str]:
        """The stored form of `payload` for `key`'s destination, and what goes in sealed_to.
        SealingError when the sealer cannot do it (the payload then stays as it is)."""
        sealed = key.seal(payload, submission_id)
        if not isinstance(sealed, Sealed):
            return sealed, key.fingerprint
        if sealed.sealed_to is None:  # ready to send, but no destination key protects it
            return self._box.seal(sealed.envelope, f"submission:{submission_id}"), INSTALL_KEY_ONLY
        return sealed.envelope, sealed.sealed_to

    def set_sealing_key(self, destination: str, key: SealingKey) -> int:
        """Use `key` for `destination` from now on, and seal what waits under the install key.
        Returns how many stored submissions were sealed."""
        self.sealing_keys[destination] = key
        return self.seal_waiting(destination)

    def seal_waiting(self, destination: str, batch: int = 200) -> int:
        """Seal payloads stored before the destination's key was known; the readable copy is
        overwritten (secure_delete) in the same commit. A payload the install key cannot open
        (the key file replaced, the data damaged), or one its sealer cannot handle (its form
        version gone from this kiosk), is set aside for staff with the reason, never a
        blocker."""
        key = self.sealing_keys.get(destination)
        if key is None:
            return 0
        sealed = 0
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT s.id, s.payload FROM submissions s JOIN outbox o"
                    " ON o.submission_id = s.id WHERE s.sealed_to IS NULL"
                    " AND s.payload IS NOT NULL AND s.destination = ?"
                    " AND o.state IN ('queued', 'sending') LIMIT ?",
                    (destination, batch)).fetchall()
            if not rows:
                break
            updates, unreadable, refused = [], [], []
            for sid, payload in rows:
                try:
                    updates.append((*self._seal_with(
                        key, self._box.open(payload, f"submission:{sid}"), sid), sid))
                except InstallKeyError:
                    unreadable.append(sid)
                except SealingError as error:
                    refused.append((f"could not be made ready to send: {error}"[:500], sid))
            now = iso(self.clock())
            with self._writing() as conn:
                conn.executemany("UPDATE submissions SET payload = ?, sealed_to = ?"
                                 " WHERE id = ? AND sealed_to IS NULL", updates)
                conn.executemany(
                    "UPDATE outbox SET state = 'rejected', last_error = ?, updated_at = ?"
                    " WHERE submission_id = ?",
                    [(UNREADABLE, now, sid) for sid in unreadable]
                    + [(why, now, sid) for why, sid in refused])
                if updates:
                    self._audit(conn, "kiosk", "sealed", {"destination": destination,
                                                          "count": len(updates),
                                                          "key": key.fingerprint})
                if unreadable:
                    self._audit(conn, "kiosk", "integrity_problem",
                                {"unreadable_submissions": unreadable})
            sealed += len(updates)
        if sealed:
            self.forget_wal()  # the readable pages may still sit in the WAL
        return sealed

    # -- looking at it -----------------------------------------------------------------------
    def queue_summary(self, conn: sqlite3.Connection | None = None) -> dict:
        """Counts by state and the oldest waiting: cheap enough for every heartbeat."""
        with self._lock:
            conn = conn or self._conn
            counts = dict.fromkeys(("queued", "sending", "delivered", "rejected"), 0)
            counts.update(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
            oldest = conn.execute("SELECT min(s.created_at) FROM outbox o JOIN submissions s"
                                  " ON s.id = o.submission_id WHERE o.state IN ('queued', 'sending')"
                                  ).fetchone()[0]
        return {"counts": counts, "waiting": counts["queued"] + counts["sending"],
                "oldest_waiting": oldest}

    def rejected_submissions(self, limit: int = 50) -> list[dict]:
        """What the services refused, newest first, with their reasons: for staff to act on."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT s.id, s.reference, s.form_id, s.created_at, o.last_error, o.updated_at"
                " FROM outbox o JOIN submissions s ON s.id = o.submission_id"
                " WHERE o.state = 'rejected' ORDER BY o.updated_at DESC LIMIT ?", (limit,)).fetchall()
        keys = ("submission_id", "reference", "form_id", "created_at", "reason", "rejected_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def find_submissions(self, contains: str = "", limit: int = 20) -> list[dict]:
        """The latest submissions whose reference contains `contains` (case, spaces and dashes
        ignored): how staff find a receipt to show again. A whole reference is also found with
        lookalikes typed (O for 0, I or L for 1) in its random part."""
        whole = read_reference(contains)
        wanted = "".join(ch for ch in (whole or contains).upper() if ch.isalnum())
        with self._lock:
            rows = self._conn.execute(
                "SELECT s.reference, s.form_id, s.created_at, o.state"
                " FROM submissions s JOIN outbox o ON o.submission_id = s.id"
                " WHERE replace(s.reference, '-', '') LIKE ?"  # only letters and digits: nothing to escape
                " ORDER BY s.created_at DESC LIMIT ?", (f"%{wanted}%", limit)).fetchall()
        return [dict(zip(("reference", "form_id", "created_at", "state"), row, strict=True))
                for row in rows]

    def waiting_destinations(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self._conn.execute(
                "SELECT DISTINCT destination FROM outbox WHERE state IN ('queued', 'sending')")}

    # -- settings -----------------------------------------------------------------------------
    def setting(self, key: str, default=None):
        with self._lock:
            row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def put_setting(self, key: str, value) -> None:
        with self._writing() as conn:
            self._put_setting(conn, key, value)

    def _put_setting(self, conn: sqlite3.Connection, key: str, value) -> None:
        conn.execute("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                     " updated_at = excluded.updated_at",
                     (key, json.dumps(value), iso(self.clock())))
