"""The central service's durable state: its private keys (keyring.py) and its database.

The database is PostgreSQL or SQLite, as the data folder's database URL says (web/databases.py),
through Django's ORM, so the same code and migrations serve both. Each write is one transaction,
committed before the caller answers (SQLite with synchronous=FULL; PostgreSQL's default fsync),
so a receipt is only given for a submission that survives a power cut; every rule that must
hold across worker processes (exactly once, receive order, lockouts) is kept by the database.
Tokens are kept only as sha256 hashes. Submissions are kept sealed and opened only when staff
read them.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import CentralError
from .keyring import Keyring, WatchedKeyring
from .receipt_key import load_or_create_signer
from .records import (
    PROBLEMS,
    AuditReport,
    AuditState,
    AuditVerdict,
    Device,
    DeviceRecord,
    Heartbeat,
    Incoming,
    Outcome,
    Progress,
    Receipt,
    SubmissionRecord,
    hash_token,
    new_token,
    utc_now,
)
from .web.databases import DB_FILE, database_url, describe, register, setup_django
from .web.migrating import migrate_database

setup_django()

from django.db import DatabaseError, transaction  # noqa: E402  (Django set up first)

from .web import models  # noqa: E402

FORMS_DIR = "forms"
__all__ = ["DB_FILE", "FORMS_DIR", "CentralStore", "utc_now", "hash_token", "new_token",
           "Device", "Incoming", "Outcome", "Receipt", "AuditReport"]


class CentralStore:
    def __init__(self, data_dir: Path | str, create: bool = False):
        self.data_dir = Path(data_dir)
        self._keyring = WatchedKeyring(self.data_dir)
        self.receipts = load_or_create_signer(self.data_dir)  # signs every receipt it gives
        self.url = database_url(self.data_dir)
        if self.url.startswith("sqlite:") and not (self.data_dir / DB_FILE).exists() \
                and not create:
            raise CentralError(f"The central database {self.data_dir / DB_FILE} is missing, "
                               "although the key is there; restore it from a backup.")
        self.alias = register(self.url)
        try:
            migrate_database(self.alias, self.data_dir)
        except DatabaseError as error:
            raise CentralError(f"The central database ({describe(self.url)}) cannot be "
                               f"opened: {error}.") from None

    @property
    def keyring(self) -> Keyring:
        """The current key and the earlier ones, as the files now hold them (a rotation by
        `kiosk central rotate-key` is seen at the next use)."""
        return self._keyring.current()

    def close(self) -> None:
        """Close this thread's connection (a request thread closes its own at its end)."""
        from django.db import connections

        connections[self.alias].close()

    def _objects(self, model: Any) -> Any:  # Django's managers: untyped here
        return model.objects.using(self.alias)

    def atomic(self) -> transaction.Atomic:
        """One transaction on this service's database (committed on leaving it)."""
        return transaction.atomic(using=self.alias)

    # -- settings and tokens ----------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        row = self._objects(models.Setting).filter(key=key).first()
        return row.value if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self.atomic():
            self._objects(models.Setting).update_or_create(key=key, defaults={"value": value})

    def device_for_token(self, token: str) -> Device | None:
        # Every kiosk request asks, so one plain indexed query (the ORM's query building cost
        # more than the query); asked afresh each time, so a revocation holds at once.
        wanted = hash_token(token)
        row = self.one("SELECT id, token_hash, revoked_at FROM devices WHERE token_hash = %s",
                       wanted)
        if row is None or not hmac.compare_digest(row[1], wanted):
            return None
        return Device(row[0], revoked=row[2] is not None)

    def one(self, sql: str, *params: object) -> tuple[Any, ...] | None:
        """The first row of a plain query on this service's database (%s placeholders)."""
        from django.db import connections

        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            row: tuple[Any, ...] | None = cursor.fetchone()
        return row

    def is_admin_token(self, token: str) -> bool:
        wanted = hash_token(token)
        row = self._objects(models.AdminToken).filter(token_hash=wanted).first()
        return row is not None and hmac.compare_digest(row.token_hash, wanted)

    def add_admin_token(self) -> str:
        token = new_token()
        with self.atomic():
            self._objects(models.AdminToken).create(token_hash=hash_token(token),
                                                    created_at=utc_now())
        return token

    def add_device(self, device_id: str) -> str:
        token = new_token()
        with self.atomic():
            if self._objects(models.Device).filter(id=device_id).exists():
                raise CentralError(f"A device called {device_id} already exists; choose "
                                   "another name.")
            self._objects(models.Device).create(id=device_id, token_hash=hash_token(token),
                                                created_at=utc_now())
        return token

    def revoke_device(self, device_id: str) -> None:
        with self.atomic():
            changed = self._objects(models.Device).filter(
                id=device_id, revoked_at__isnull=True).update(revoked_at=utc_now())
            if not changed and not self._objects(models.Device).filter(id=device_id).exists():
                raise CentralError(f"There is no device called {device_id}.")

    # -- submissions ------------------------------------------------------------------------
    def receive(self, incoming: Incoming, payload_sha256: str, envelope: bytes) -> Outcome:
        """Store a submission once; the same one again gets the first receipt back."""
        return self.receive_many([(incoming, payload_sha256, envelope)])[0]

    def receive_many(self, arrivals: Sequence[tuple[Incoming, str, bytes]]) -> list[Outcome]:
        """Store each (submission, payload digest, envelope) once, in one transaction: a batch
        costs one commit to disk, not one each. Outcomes in the same order.

        The submissions counter's row is locked first: one batch at a time takes receive
        numbers, so numbers are committed in order and a submission sent twice at once, by two
        workers, is stored once."""
        outcomes: list[Outcome] = []
        with self.atomic():
            counter = self._objects(models.Counter).select_for_update().get(name="submissions")
            wanted = [incoming.instance_id for incoming, _, _ in arrivals]
            known = {row.instance_id: row for row in self._objects(models.Submission).filter(
                instance_id__in=wanted).only("instance_id", "device_id", "receipt_id",
                                             "received_at", "payload_sha256")}
            new: list[models.Submission] = []
            for incoming, payload_sha256, envelope in arrivals:
                row = known.get(incoming.instance_id)
                if row is not None:
                    outcomes.append(_again(row, incoming, payload_sha256))
                    continue
                counter.value += 1
                row = models.Submission(
                    instance_id=incoming.instance_id, seq=counter.value,
                    reference=incoming.reference, device_id=incoming.device_id,
                    form_id=incoming.form_id, form_version=incoming.form_version,
                    created_at=incoming.created_at, received_at=utc_now(),
                    receipt_id="rcpt-" + secrets.token_hex(12), payload_sha256=payload_sha256,
                    envelope=envelope)
                new.append(row)
                known[row.instance_id] = row
                outcomes.append(Outcome("created", _receipt(row)))
            if new:
                self._objects(models.Submission).bulk_create(new)
                counter.save(update_fields=["value"])
        return outcomes

    def submissions(self, form_id: str | None = None, after: str | None = None,
                    limit: int | None = None) -> tuple[list[SubmissionRecord], str | None]:
        """Opened submissions in receive order, and the cursor for the next page (or None).

        `after` is the receipt id the previous page ended with; an unknown one is CentralError.
        """
        rows = self._objects(models.Submission).order_by("seq")
        if after is not None:
            start = self._objects(models.Submission).filter(receipt_id=after).values_list(
                "seq", flat=True).first()
            if start is None:
                raise CentralError("after is not a receipt id this service gave out")
            rows = rows.filter(seq__gt=start)
        if form_id is not None:
            rows = rows.filter(form_id=form_id)
        found = list(rows[:limit + 1] if limit is not None else rows)
        more = limit is not None and len(found) > limit
        page = [self.opened(row) for row in (found[:limit] if limit is not None else found)]
        return page, (page[-1]["receipt_id"] if more else None)

    def opened(self, row: models.Submission) -> SubmissionRecord:
        return SubmissionRecord(
            instance_id=row.instance_id, reference=row.reference, device_id=row.device_id,
            form_id=row.form_id, form_version=row.form_version, created_at=row.created_at,
            received_at=row.received_at, receipt_id=row.receipt_id,
            payload=json.loads(self.keyring.open(bytes(row.envelope), row.instance_id)))

    # -- devices and heartbeats -------------------------------------------------------------
    def record_heartbeat(self, device_id: str, beat: Mapping[str, object],
                         audit: AuditReport | None = None) -> tuple[str, AuditVerdict | None]:
        """Keep the device's last report; with `audit`, check its log against the anchor
        kept from the last one and anchor its new head. The time, and the verdict."""
        now = utc_now()
        with self.atomic():
            self._objects(models.Heartbeat).update_or_create(
                device_id=device_id, defaults={**beat, "received_at": now})
            verdict = self._anchor(device_id, audit, now) if audit is not None else None
        return now, verdict

    def accept_audit(self, device_id: str) -> bool:
        """Staff have looked into a device's audit problem: clear it (the anchor stays)."""
        with self.atomic():
            cleared: int = self._objects(models.AuditAnchor).filter(
                device_id=device_id, problem__isnull=False).update(problem=None, problem_at=None)
        return cleared > 0

    def devices(self) -> list[DeviceRecord]:
        rows = self._objects(models.Device).select_related("heartbeat", "auditanchor")
        return [DeviceRecord(id=row.id, created_at=row.created_at,
                             revoked=row.revoked_at is not None,
                             last_heartbeat=_heartbeat(row), audit=_verdict_of(row))
                for row in rows.order_by("id")]

    def _anchor(self, device_id: str, audit: AuditReport, now: str) -> AuditVerdict:
        """Check a heartbeat's audit report against the anchor kept for the device, then anchor
        the reported head (so the next report is checked against it). A problem found is kept,
        with its time, until staff accept it; a later one does not hide the first."""
        row = self._objects(models.AuditAnchor).select_for_update().filter(
            device_id=device_id).first()
        head_hash = audit.head_hash or ""
        if row is None:
            row = self._objects(models.AuditAnchor).create(
                device_id=device_id, seq=audit.head_seq, hash=head_hash, anchored_at=now)
            return _verdict(row)
        problem = _problem(row, audit)
        if row.problem is None and problem is not None:  # the first problem stays on record
            row.problem, row.problem_at = problem, now
        row.seq, row.hash, row.anchored_at = audit.head_seq, head_hash, now
        row.save()
        return _verdict(row)

    # -- review states, as the citizen sees them -------------------------------------------
    def progress(self, references: Sequence[str]) -> list[Progress]:
        """The review state of each reference known here (exactly as printed on a receipt), in
        the order asked; unknown ones are left out. The status page and POST /v1/progress both
        ask here, so they cannot tell a citizen different things. A reference received twice
        (only a faulty kiosk sends that) answers with the later submission."""
        found: dict[str, Progress] = {}
        rows = self._objects(models.Submission).filter(reference__in=set(references)).order_by(
            "seq").values_list("reference", "state", "state_changed_at", "received_at",
                               "citizen_note")
        for reference, state, changed_at, received_at, note in rows:
            found[reference] = Progress(reference=reference, state=state,
                                        changed_at=changed_at or received_at, note=note or None)
        return [found[reference] for reference in dict.fromkeys(references) if reference in found]

    def change_review_state(self, instance_id: str, state: str, by: str, note: str = "") -> str:
        """Move a submission to `state` with staff's note to the citizen (which replaces the
        previous one: a note belongs to the state it came with), recording the change; the
        time of the change. CentralError for an unknown submission or state."""
        if state not in models.ReviewState.values:
            raise CentralError(f"{state} is not a review state; use one of "
                               f"{', '.join(models.ReviewState.values)}.")
        now = utc_now()
        with self.atomic():
            row = self._objects(models.Submission).select_for_update().filter(
                instance_id=instance_id).first()
            if row is None:
                raise CentralError(f"There is no submission {instance_id}.")
            self._objects(models.ReviewChange).create(
                submission=row, at=now, by=by, from_state=row.state, to_state=state, note=note)
            row.state, row.state_changed_at, row.citizen_note = state, now, note
            row.save(update_fields=["state", "state_changed_at", "citizen_note"])
        return now


def _receipt(row: models.Submission) -> Receipt:
    return Receipt(row.receipt_id, row.instance_id, row.received_at, row.payload_sha256)


def _again(row: models.Submission, incoming: Incoming, payload_sha256: str) -> Outcome:
    """A submission id seen before: the same payload from the same device is a resend and
    gets the first receipt; anything else is a clash (another device replaying a payload it
    copied gets no receipt of someone else's)."""
    if not hmac.compare_digest(row.payload_sha256, payload_sha256) \
            or row.device_id != incoming.device_id:
        return Outcome("conflict", None)
    return Outcome("replayed", _receipt(row))


def _heartbeat(device: models.Device) -> Heartbeat | None:
    try:
        beat = device.heartbeat
    except models.Heartbeat.DoesNotExist:
        return None
    return Heartbeat(received_at=beat.received_at, queue_depth=beat.queue_depth,
                     rejected=beat.rejected, oldest_waiting=beat.oldest_waiting,
                     last_sync_at=beat.last_sync_at, version=beat.version,
                     free_disk_bytes=beat.free_disk_bytes,
                     interval_minutes=beat.interval_minutes, update_state=beat.update_state)


def _verdict_of(device: models.Device) -> AuditVerdict | None:
    try:
        return _verdict(device.auditanchor)
    except models.AuditAnchor.DoesNotExist:
        return None


def _problem(anchor: models.AuditAnchor, audit: AuditReport) -> str | None:
    """What is wrong with the kiosk's log, measured against the anchor; None when nothing."""
    seq = anchor.seq
    if audit.head_seq < seq:
        return (f"cut short: entry {seq} was reported on {anchor.anchored_at}, and the log "
                f"now ends at entry {audit.head_seq}")
    if seq == 0:
        return None  # the log was empty then: there is nothing to prove
    if audit.anchor_seq != seq or audit.anchor_hash is None:
        return (f"not proven: the kiosk did not show entry {seq} (its data may have been "
                "replaced or restored)")
    if not hmac.compare_digest(audit.anchor_hash, anchor.hash):
        return (f"rewritten: entry {seq} is not what it was when reported on "
                f"{anchor.anchored_at}")
    return None


def _verdict(row: models.AuditAnchor) -> AuditVerdict:
    problem = row.problem
    state: AuditState = "ok" if problem is None else \
        PROBLEMS.get(problem.partition(":")[0], "not proven")
    return AuditVerdict(state=state, detail=problem or "", since=row.problem_at,
                        anchor_seq=row.seq, anchored_at=row.anchored_at)
