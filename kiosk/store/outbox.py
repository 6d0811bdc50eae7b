"""The outbox: finished visits stored durably, and their way to the destination
(`store.outbox`).

Contract:
- `submit` returns a reference only after the commit; the visit and its outbox entry commit
  together, and its draft is deleted in the same commit. The same visit twice is stored once.
- A visit is sealed for its destination as it is stored when the destination's sealer is
  known (sealers.py); otherwise it waits under the install key and `seal_waiting` seals it
  once the sealer is there (`set_sealing_key`). A sealer's trouble never loses a visit.
- States (OutboxState): queued -> sending (claimed) -> delivered, or back to queued (a retry,
  a release), or rejected (waits for staff; `retry_rejected` queues it again, audited,
  and `retry_all_rejected` all of them).
- The sync worker claims a batch (`queued -> sending`), posts each, and records the results
  for the whole batch in one commit: the server is idempotent, so a batch cut short by a crash
  is simply claimed and sent again (`recover_interrupted`).
- Every stored payload carries its own SHA-256 (`payload_sha256`, `payload_checksum`), set
  whenever the payload is written. `claim` checks it: a payload that no longer matches (a
  flipped bit on the disk, which a sealed payload's own encryption cannot show the kiosk) is
  rejected here with DAMAGED_PAYLOAD, for staff and IT, and never sent to be refused.
- A receipt shows only what the form marked for it (`receipt`); the full visit is readable
  only until it is sealed or purged (`submission`).
What it hands out is typed (records.py).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..sealing import SealingError
from . import codes
from .clock import iso
from .db import SYSTEM, Db, named, single_value
from .errors import StoreError
from .keys import InstallKeyError
from .records import (
    DueItem,
    FoundSubmission,
    OutboxState,
    Outgoing,
    QueueSummary,
    RejectedSubmission,
    StateCounts,
    StoredReceipt,
)
from .sealers import INSTALL_KEY_ONLY, Sealer, pinned_rest_keys, stored_form
from .settings import Settings

if TYPE_CHECKING:
    from ..config import Destination
    from ..forms.submission import Submission
    from ..sealing import SealingKey

UNREADABLE = ("the kiosk cannot open these stored answers with its key (install.key was "
              "replaced, or the data is damaged): ask IT")
DAMAGED_PAYLOAD = ("its stored answers were damaged on this kiosk's disk (they no longer match "
                   "their checksum), so they were not sent: the citizen may need to send the "
                   "form again. IT: see `kiosk status`")


def payload_checksum(payload: bytes) -> str:
    """What `submissions.payload_sha256` holds for `payload`."""
    return hashlib.sha256(payload).hexdigest()


def payload_intact(payload: bytes, checksum: str | None) -> bool:
    """Whether a stored payload is as it was written (a row stored before checksums: yes)."""
    return checksum is None or payload_checksum(payload) == checksum


class Outbox:
    def __init__(self, db: Db, settings: Settings, *, site_id: str,
                 sealers: Mapping[str, Sealer] | None = None):
        self._db = db
        self._settings = settings
        self._site_id = site_id
        # destination name -> its sealer: submissions to these are sealed as stored
        self._sealers: dict[str, Sealer] = dict(sealers or {})
        # REST destination name -> this kiosk's device id there, sealed inside each payload
        self._device_ids: dict[str, str] = {}

    @property
    def sealers(self) -> Mapping[str, Sealer]:
        """The sealers in use, by destination (read only: see set_sealing_key)."""
        return MappingProxyType(self._sealers)

    def load_sealing_keys(self, destinations: Mapping[str, Destination]) -> None:
        """Each REST destination's pinned key, from the config or fetched earlier (sealers.py),
        and this kiosk's device id there. Store.from_config does this once, when it opens."""
        self._sealers.update(pinned_rest_keys(destinations, self._settings))
        self._device_ids.update({name: destination.device_id or self._site_id
                                 for name, destination in destinations.items()
                                 if getattr(destination, "type", "rest") == "rest"})

    # -- storing ------------------------------------------------------------------------------
    def submit(self, submission: Submission, destination: str = "central",
               assisted_by: str | None = None, draft_id: str | None = None) -> str:
        """Store a finished visit durably and queue it; its reference, after the commit.

        Submitting the same visit twice (a double tap on Send) stores it once and returns the
        same reference. The draft it came from (`draft_id`) is deleted in the same commit."""
        instance_id = submission["instance_id"]
        receipt = json.dumps(submission.get("receipt", []), ensure_ascii=False)
        now = self._db.stamp()
        with self._db.writing() as conn:
            for _ in range(10):  # a clash of references is astronomically rare; try again
                reference = codes.new_reference(self._site_id)
                payload, sealed, sealed_to, deferred = self._sealed(
                    submission, destination, reference, now)
                try:
                    inserted = conn.execute(
                        "INSERT INTO submissions (id, reference, form_id, form_version, language,"
                        " destination, assisted_by, created_at, payload, payload_bytes, receipt,"
                        " sealed_to, payload_sha256, content_sha256)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
                        (instance_id, reference, submission["form_id"], submission["form_version"],
                         submission["language"], destination, assisted_by, now, sealed,
                         len(payload), receipt, sealed_to, payload_checksum(sealed),
                         payload_checksum(payload))).rowcount
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
                    self._db.audit(conn, SYSTEM, "sealing_deferred", deferred)
            else:
                reference = single_value(conn, "SELECT reference FROM submissions WHERE id = ?",
                                         (instance_id,))
        if dropped_draft:
            self._db.forget_wal()  # the visit's autosaves, readable with the install key, go too
        return reference

    def _sealed(self, submission: Submission, destination: str, reference: str, now: str,
                ) -> tuple[bytes, bytes, str | None, dict[str, str] | None]:
        """What is stored of a visit: the payload (with its reference, time and device inside,
        for a REST destination, so nothing on the way can relabel it), its stored form (sealed
        to the destination, or under the install key until its key is known), sealed_to, and
        why sealing was deferred (None when it was not)."""
        device_id = self._device_ids.get(destination)
        inside = {**submission, "reference": reference, "created_at": now,
                  "device_id": device_id} if device_id is not None else submission
        instance_id = submission["instance_id"]
        payload = json.dumps(inside, ensure_ascii=False, separators=(",", ":")).encode()
        sealer = self._sealers.get(destination)
        if sealer is not None:  # from here on, only the destination can read it
            try:
                sealed, sealed_to = stored_form(sealer, self._db.box, payload, instance_id)
                return payload, sealed, sealed_to, None
            except Exception as error:  # noqa: BLE001 (a visit is never lost to its sealer's
                # trouble: it waits under the install key, and seal_waiting tries again)
                deferred = {"destination": destination, "why": (
                    str(error) if isinstance(error, SealingError) else error.__class__.__name__)[:300]}
        else:
            deferred = None
        return payload, self._db.box.seal(payload, f"submission:{instance_id}"), None, deferred

    def submission(self, reference: str) -> Submission | None:
        """The stored visit in full while the kiosk can still read it; None when unknown,
        purged, or sealed to its destination (then only the central service can read it)."""
        row = self._db.read_one("SELECT id, payload, sealed_to FROM submissions"
                                " WHERE reference = ?", (reference,))
        if row is None or row["payload"] is None or row["sealed_to"] is not None:
            return None
        visit: Submission = json.loads(self._db.box.open(row["payload"], f"submission:{row['id']}"))
        return visit

    def receipt(self, reference: str) -> StoredReceipt | None:
        """What a reprinted receipt may show: never more than the form marks for it."""
        row = self._db.read_one(
            "SELECT s.reference, s.form_id, s.form_version, s.language, s.created_at, s.receipt,"
            " o.state FROM submissions s JOIN outbox o ON o.submission_id = s.id"
            " WHERE s.reference = ?", (reference,))
        if row is None:
            return None
        return StoredReceipt(reference=row["reference"], form_id=row["form_id"],
                             form_version=row["form_version"], language=row["language"],
                             created_at=row["created_at"], answers=json.loads(row["receipt"]),
                             state=row["state"])

    # -- choosing work ------------------------------------------------------------------------
    def due(self, limit: int = 20, now: datetime | None = None,
            conn: sqlite3.Connection | None = None, destination: str | None = None,
            ignore_backoff: bool = False) -> list[DueItem]:
        """Queued submissions whose next attempt has come (or all of them, for "Send now"),
        oldest first."""
        when = "" if ignore_backoff else " AND o.next_attempt_at <= :now"
        where = " AND o.destination = :destination" if destination else ""
        with self._db.lock:
            rows = named(
                conn or self._db.conn,
                "SELECT o.submission_id, s.reference, o.destination, o.attempts, o.next_attempt_at"
                " FROM outbox o JOIN submissions s ON s.id = o.submission_id"
                f" WHERE o.state = 'queued'{when}{where}"  # noqa: S608 (fixed fragments)
                " ORDER BY o.next_attempt_at LIMIT :limit",
                {"now": iso(now or self._db.clock()),
                 "destination": destination, "limit": limit},
            ).fetchall()
        return [DueItem(submission_id=row["submission_id"], reference=row["reference"],
                        destination=row["destination"], attempts=row["attempts"],
                        next_attempt_at=row["next_attempt_at"]) for row in rows]

    def recover_interrupted(self) -> int:
        """Claims left by a worker that died (`sending`) go back to the queue, due now."""
        now = self._db.stamp()
        with self._db.writing() as conn:
            changed: int = conn.execute("UPDATE outbox SET state = 'queued', next_attempt_at = ?,"
                                        " updated_at = ? WHERE state = 'sending'",
                                        (now, now)).rowcount
        return changed

    def claim(self, submission_ids: Sequence[str]) -> list[Outgoing]:
        """Mark a batch `sending` and return what to post; rows another worker took are skipped,
        and so are payloads not yet sealed (seal_waiting comes first). A payload that only the
        install key protects is opened here, for the request, and never written back."""
        if not submission_ids:
            return []
        now = self._db.stamp()
        marks = ",".join("?" * len(submission_ids))
        with self._db.writing() as conn:
            rows = named(
                conn,
                "SELECT s.id, s.reference, s.form_id, s.form_version, s.created_at, o.attempts,"
                " s.payload, s.sealed_to, s.payload_sha256, s.content_sha256"
                " FROM submissions s JOIN outbox o ON o.submission_id = s.id"
                f" WHERE s.id IN ({marks}) AND o.state = 'queued'"  # noqa: S608
                " AND s.sealed_to IS NOT NULL AND s.payload IS NOT NULL",
                list(submission_ids)).fetchall()
            conn.executemany("UPDATE outbox SET state = 'sending', last_attempt_at = ?,"
                             " updated_at = ? WHERE submission_id = ?",
                             [(now, now, row["id"]) for row in rows])
        outgoing = []
        damaged = [row["id"] for row in rows
                   if not payload_intact(row["payload"], row["payload_sha256"])]
        if damaged:
            self._keep_back_damaged(damaged)
        for row in rows:
            if row["id"] in damaged:
                continue
            payload = row["payload"]
            if row["sealed_to"] == INSTALL_KEY_ONLY:
                try:
                    payload = self._db.box.open(payload, f"submission:{row['id']}")
                except InstallKeyError:
                    self.mark_rejected(row["id"], UNREADABLE)
                    continue
            outgoing.append(Outgoing(
                submission_id=row["id"], reference=row["reference"], form_id=row["form_id"],
                form_version=row["form_version"], created_at=row["created_at"],
                attempts=row["attempts"], envelope=payload,
                content_sha256=row["content_sha256"]))
        order = {sid: n for n, sid in enumerate(submission_ids)}
        return sorted(outgoing, key=lambda item: order[item.submission_id])

    def _keep_back_damaged(self, submission_ids: Sequence[str]) -> None:
        """Claimed payloads that fail their checksum: rejected for staff, with the reason, and
        an integrity_problem for IT in the same commit."""
        now = self._db.stamp()
        with self._db.writing() as conn:
            conn.executemany("UPDATE outbox SET state = 'rejected', last_error = ?,"
                             " updated_at = ? WHERE submission_id = ? AND state = 'sending'",
                             [(DAMAGED_PAYLOAD, now, sid) for sid in submission_ids])
            self._db.audit(conn, SYSTEM, "integrity_problem",
                           {"damaged_payloads": list(submission_ids)})

    # -- results ------------------------------------------------------------------------------
    def mark_sending(self, submission_id: str) -> None:
        self._set_state(submission_id, "sending", ("queued", "sending"))

    def mark_delivered(self, submission_id: str, server_receipt: Mapping[str, object]) -> None:
        self.mark_delivered_many([(submission_id, server_receipt)])

    def mark_delivered_many(self, results: Sequence[tuple[str, Mapping[str, object]]]) -> None:
        """Record the server's receipts for a batch in one commit (and the time of the sync)."""
        if not results:
            return
        now = self._db.stamp()
        with self._db.writing() as conn:
            changed = sum(conn.execute(
                "UPDATE outbox SET state = 'delivered', attempts = attempts + 1,"
                " last_attempt_at = ?, server_receipt = ?, delivered_at = ?, last_error = NULL,"
                " updated_at = ? WHERE submission_id = ?"
                " AND state IN ('queued', 'sending', 'delivered')",
                (now, json.dumps(receipt), now, now, sid)).rowcount for sid, receipt in results)
            self._settings.put_in(conn, "last_sync_at", now)
        if changed != len(results):
            raise StoreError(f"{len(results) - changed} delivered submission(s) were not in the outbox")

    def mark_retry(self, submission_id: str, error: str, next_attempt_at: datetime) -> None:
        self._set_state(submission_id, "queued", ("queued", "sending"), attempts=1,
                        last_error=error[:500], next_attempt_at=iso(next_attempt_at))

    def mark_rejected(self, submission_id: str, reason: str) -> None:
        """The server refused it: it waits for staff, and is never retried blindly."""
        self._set_state(submission_id, "rejected", ("queued", "sending"), attempts=1,
                        last_error=reason[:500])

    def release(self, submission_ids: Sequence[str]) -> None:
        """Claimed but not tried (the link went down, or the token was refused): back to the
        queue as they were, without counting an attempt."""
        now = self._db.stamp()
        with self._db.writing() as conn:
            conn.executemany("UPDATE outbox SET state = 'queued', updated_at = ?"
                             " WHERE submission_id = ? AND state = 'sending'",
                             [(now, sid) for sid in submission_ids])

    def retry_rejected(self, submission_id: str, actor: str) -> None:
        """Staff looked at a rejected submission and send it again (an audited decision)."""
        now = self._db.stamp()
        with self._db.writing() as conn:
            changed = conn.execute(
                "UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ?"
                " WHERE submission_id = ? AND state = 'rejected'",
                (now, now, submission_id)).rowcount
            if not changed:
                raise StoreError(f"submission {submission_id} is not waiting for staff")
            self._db.audit(conn, actor, "retry_rejected", {"submission": submission_id})

    def retry_all_rejected(self, actor: str) -> int:
        """Staff send every rejected submission again at once (say, once IT fixed what refused
        them all): one audited decision with how many. Returns how many were queued."""
        now = self._db.stamp()
        with self._db.writing() as conn:
            changed: int = conn.execute(
                "UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ?"
                " WHERE state = 'rejected'", (now, now)).rowcount
            if changed:
                self._db.audit(conn, actor, "retry_all_rejected", {"count": changed})
        return changed

    def _set_state(self, submission_id: str, state: OutboxState,
                   allowed_from: tuple[OutboxState, ...], attempts: int = 0,
                   **columns: str) -> None:
        now = self._db.stamp()
        assignments = "".join(f", {name} = ?" for name in columns)
        with self._db.writing() as conn:
            changed = conn.execute(
                f"UPDATE outbox SET state = ?, updated_at = ?, attempts = attempts + ?"  # noqa: S608
                f"{', last_attempt_at = ?' if attempts else ''}{assignments}"
                f" WHERE submission_id = ? AND state IN ({','.join('?' * len(allowed_from))})",
                (state, now, attempts, *((now,) if attempts else ()), *columns.values(),
                 submission_id, *allowed_from)).rowcount
        if not changed:
            raise StoreError(f"submission {submission_id} cannot become {state} from its state")

    # -- sealing ------------------------------------------------------------------------------
    def set_sealing_key(self, destination: str, key: SealingKey) -> int:
        """Use `key` (fetched from the service) for `destination` from now on, and seal what
        waits under the install key. Returns how many stored submissions were sealed."""
        self._sealers[destination] = key
        return self.seal_waiting(destination)

    def seal_waiting(self, destination: str, batch: int = 200) -> int:
        """Seal payloads stored before the destination's sealer was known; the readable copy is
        overwritten (secure_delete) in the same commit. A payload the install key cannot open
        (the key file replaced, the data damaged), or one its sealer cannot handle (its form
        version gone from this kiosk), is set aside for staff with the reason, never a
        blocker."""
        sealer = self._sealers.get(destination)
        if sealer is None:
            return 0
        sealed = 0
        while True:
            rows = self._db.read_all(
                "SELECT s.id, s.payload FROM submissions s JOIN outbox o"
                " ON o.submission_id = s.id WHERE s.sealed_to IS NULL"
                " AND s.payload IS NOT NULL AND s.destination = ?"
                " AND o.state IN ('queued', 'sending') LIMIT ?",
                (destination, batch))
            if not rows:
                break
            updates: list[tuple[bytes, str, str, str]] = []
            unreadable: list[str] = []
            refused: list[tuple[str, str]] = []
            for row in rows:
                sid = row["id"]
                try:
                    stored, sealed_to = stored_form(
                        sealer, self._db.box, self._db.box.open(row["payload"],
                                                                f"submission:{sid}"), sid)
                    updates.append((stored, sealed_to, payload_checksum(stored), sid))
                except InstallKeyError:
                    unreadable.append(sid)
                except SealingError as error:
                    refused.append((f"could not be made ready to send: {error}"[:500], sid))
            now = self._db.stamp()
            with self._db.writing() as conn:
                conn.executemany("UPDATE submissions SET payload = ?, sealed_to = ?,"
                                 " payload_sha256 = ? WHERE id = ? AND sealed_to IS NULL",
                                 updates)
                conn.executemany(
                    "UPDATE outbox SET state = 'rejected', last_error = ?, updated_at = ?"
                    " WHERE submission_id = ?",
                    [(UNREADABLE, now, sid) for sid in unreadable]
                    + [(why, now, sid) for why, sid in refused])
                if updates:
                    self._db.audit(conn, SYSTEM, "sealed", {"destination": destination,
                                                            "count": len(updates),
                                                            "key": sealer.fingerprint})
                if unreadable:
                    self._db.audit(conn, SYSTEM, "integrity_problem",
                                   {"unreadable_submissions": unreadable})
            sealed += len(updates)
        if sealed:
            self._db.forget_wal()  # the readable pages may still sit in the WAL
        return sealed

    # -- looking at it -----------------------------------------------------------------------
    def queue_summary(self, conn: sqlite3.Connection | None = None) -> QueueSummary:
        """Counts by state and the oldest waiting: cheap enough for every heartbeat."""
        with self._db.lock:
            conn = conn or self._db.conn
            by_state = {row["state"]: row["n"] for row in named(
                conn, "SELECT state, count(*) AS n FROM outbox GROUP BY state")}
            counts = StateCounts(queued=by_state.get("queued", 0),
                                 sending=by_state.get("sending", 0),
                                 delivered=by_state.get("delivered", 0),
                                 rejected=by_state.get("rejected", 0))
            oldest = single_value(conn, "SELECT min(s.created_at) FROM outbox o JOIN submissions s"
                                        " ON s.id = o.submission_id"
                                        " WHERE o.state IN ('queued', 'sending')")
        return QueueSummary(counts=counts, waiting=counts["queued"] + counts["sending"],
                            oldest_waiting=oldest)

    def rejected_submissions(self, limit: int = 50) -> list[RejectedSubmission]:
        """What the services refused, newest first, with their reasons: for staff to act on."""
        rows = self._db.read_all(
            "SELECT s.id, s.reference, s.form_id, s.created_at, o.last_error, o.updated_at"
            " FROM outbox o JOIN submissions s ON s.id = o.submission_id"
            " WHERE o.state = 'rejected' ORDER BY o.updated_at DESC LIMIT ?", (limit,))
        return [RejectedSubmission(submission_id=row["id"], reference=row["reference"],
                                   form_id=row["form_id"], created_at=row["created_at"],
                                   reason=row["last_error"], rejected_at=row["updated_at"])
                for row in rows]

    def find_submissions(self, contains: str = "", limit: int = 20) -> list[FoundSubmission]:
        """The latest submissions whose reference contains `contains` (case, spaces and dashes
        ignored): how staff find a receipt to show again. A whole reference is also found with
        lookalikes typed (O for 0, I or L for 1) in its random part."""
        whole = codes.read_reference(contains)
        wanted = "".join(ch for ch in (whole or contains).upper() if ch.isalnum())
        rows = self._db.read_all(
            "SELECT s.reference, s.form_id, s.created_at, o.state"
            " FROM submissions s JOIN outbox o ON o.submission_id = s.id"
            " WHERE replace(s.reference, '-', '') LIKE ?"  # only letters and digits: nothing to escape
            " ORDER BY s.created_at DESC LIMIT ?", (f"%{wanted}%", limit))
        return [FoundSubmission(reference=row["reference"], form_id=row["form_id"],
                                created_at=row["created_at"], state=row["state"]) for row in rows]

    def waiting_destinations(self) -> set[str]:
        return {row["destination"] for row in self._db.read_all(
            "SELECT DISTINCT destination FROM outbox WHERE state IN ('queued', 'sending')")}
