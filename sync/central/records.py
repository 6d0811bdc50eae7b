"""What the central service's store hands out and takes in: plain records, no database.

validation.py and api.py build and read these; store.py keeps them (on the Django ORM).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


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


class Progress(TypedDict):
    """A submission's review state as its citizen may see it: never its answers."""

    reference: str
    state: str  # models.ReviewState: received, in_review, needs_information, approved, rejected
    changed_at: str  # when the state last changed (when it was received, until then)
    note: str | None  # staff's note to the citizen, if any


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
PROBLEMS: dict[str, AuditState] = {"cut short": "cut short", "rewritten": "rewritten",
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


class UpdateState(TypedDict, total=False):
    """Where a kiosk is with an update, as its heartbeat last said (validation.py checks it)."""

    state: str  # downloading, ready, installing, installed, rejected, rolled_back
    version: str
    message: str  # optional: why, for rejected and rolled_back
    at: str


class Heartbeat(TypedDict):
    """A device's last report (JSON)."""

    received_at: str
    queue_depth: int
    rejected: int
    oldest_waiting: str | None
    last_sync_at: str | None
    version: str
    free_disk_bytes: int
    interval_minutes: int | None  # as the kiosk said (None: older kiosks; taken as 5)
    update_state: UpdateState | None  # the last one the kiosk reported (None: none yet)


class DeviceRecord(TypedDict):
    """A device as staff see it (JSON: GET /v1/devices)."""

    id: str
    created_at: str
    revoked: bool
    last_heartbeat: Heartbeat | None
    audit: AuditVerdict | None  # None until a kiosk that reports its audit log beats
