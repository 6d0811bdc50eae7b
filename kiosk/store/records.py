"""What the outbox hands out (`store.outbox`, outbox.py): typed records, read by attribute.

Dataclasses for what stays in Python; TypedDicts for what is JSON as it is (a receipt's
answers as the session made them, the counts `kiosk status --json` prints).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypedDict

OutboxState = Literal["queued", "sending", "delivered", "rejected"]
OUTBOX_STATES: tuple[OutboxState, ...] = ("queued", "sending", "delivered", "rejected")



class ReceiptAnswer(TypedDict):
    """One answer the form marks `receipt: true`, as shown to the citizen (JSON)."""

    name: str
    label: str
    answer: str


@dataclass(frozen=True)
class StoredReceipt:
    """What a reprinted receipt may show: never more than the form marks for it."""

    reference: str
    form_id: str
    form_version: str
    language: str
    created_at: str  # UTC, ISO 8601
    answers: list[ReceiptAnswer]
    state: OutboxState


class StateCounts(TypedDict):
    """Submissions by outbox state (JSON: in `kiosk status --json`)."""

    queued: int
    sending: int
    delivered: int
    rejected: int


@dataclass(frozen=True)
class QueueSummary:
    counts: StateCounts
    waiting: int  # queued + sending
    oldest_waiting: str | None  # when the oldest waiting one was stored


@dataclass(frozen=True)
class RejectedSubmission:
    submission_id: str
    reference: str
    form_id: str
    created_at: str
    reason: str | None  # the service's words
    rejected_at: str


@dataclass(frozen=True)
class FoundSubmission:
    reference: str
    form_id: str
    created_at: str
    state: OutboxState


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
    # SHA-256 of what was sealed, which the service's signed receipt must name (None: a row
    # stored before receipts were signed)
    content_sha256: str | None = None
