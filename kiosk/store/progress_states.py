"""The last known review state of each application this kiosk issued (`store.progress`).

Contract: the sync worker asks `to_poll` which references to ask the central service about
(delivered there, within retention, not yet decided) and gives back what it heard to `keep`;
the progress screen reads `last_known` when the service cannot be asked. Only references this
kiosk issued are kept, and only while their submission is within retention
(`delivered_retention_days` from delivery): `purge` (run by Store.purge) removes the rest, the
council's note with them, so nothing addressed to a citizen outlives the answers it concerns.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from .clock import iso
from .db import Db

ReviewState = Literal["received", "in_review", "needs_information", "approved", "rejected"]
REVIEW_STATES: tuple[ReviewState, ...] = get_args(ReviewState)
FINAL_STATES = frozenset({"approved", "rejected"})  # decided: no need to ask again


@dataclass(frozen=True)
class KnownProgress:
    reference: str
    state: ReviewState
    changed_at: str  # ISO 8601, as the service gave it
    note: str | None  # the council's note to the citizen
    checked_at: str  # when the kiosk heard it (UTC, ISO 8601)


# Submissions delivered to `destination` within retention (`?` the oldest delivery kept).
_RECENT = ("SELECT s.reference FROM submissions s JOIN outbox o ON o.submission_id = s.id"
           " WHERE o.state = 'delivered' AND o.delivered_at > ?")


class ProgressStates:
    def __init__(self, db: Db, retention: timedelta):
        self._db = db
        self.retention = retention

    def _oldest(self, now: datetime) -> str:
        return iso(now - self.retention)

    def to_poll(self, destination: str, now: datetime) -> list[str]:
        """References delivered to `destination` within retention whose state is not final
        (or not known yet), oldest delivery first."""
        rows = self._db.read_all(
            "SELECT s.reference FROM submissions s JOIN outbox o ON o.submission_id = s.id"
            " LEFT JOIN progress p ON p.reference = s.reference"
            " WHERE o.state = 'delivered' AND o.delivered_at > ? AND s.destination = ?"
            " AND (p.state IS NULL OR p.state NOT IN ('approved', 'rejected'))"
            " ORDER BY o.delivered_at, s.rowid", (self._oldest(now), destination))
        return [row["reference"] for row in rows]

    def keep(self, answers: Iterable[KnownProgress], now: datetime) -> int:
        """Store what the service said, for references this kiosk issued within retention
        (anything else is shown once and not kept). Returns how many were kept."""
        kept = 0
        with self._db.writing() as conn:
            for answer in answers:
                kept += conn.execute(
                    "INSERT INTO progress (reference, state, changed_at, note, checked_at)"
                    f" SELECT ?, ?, ?, ?, ? WHERE EXISTS ({_RECENT} AND s.reference = ?)"
                    " ON CONFLICT(reference) DO UPDATE SET state = excluded.state,"
                    " changed_at = excluded.changed_at, note = excluded.note,"
                    " checked_at = excluded.checked_at",
                    (answer.reference, answer.state, answer.changed_at, answer.note,
                     answer.checked_at, self._oldest(now), answer.reference)).rowcount
        return kept

    def last_known(self, reference: str) -> KnownProgress | None:
        row = self._db.read_one("SELECT * FROM progress WHERE reference = ?", (reference,))
        if row is None:
            return None
        return KnownProgress(row["reference"], row["state"], row["changed_at"], row["note"],
                             row["checked_at"])

    def issued_here(self, reference: str) -> bool:
        """Whether this kiosk issued `reference` (whatever became of it since)."""
        return self._db.read_one("SELECT 1 FROM submissions WHERE reference = ?",
                                 (reference,)) is not None

    def waiting_here(self, reference: str) -> bool:
        """Whether `reference` is this kiosk's and still waits to be sent (the central service
        cannot know it yet)."""
        return self._db.read_one(
            "SELECT 1 FROM submissions s JOIN outbox o ON o.submission_id = s.id"
            " WHERE s.reference = ? AND o.state IN ('queued', 'sending')", (reference,)) is not None

    def purge(self, conn: sqlite3.Connection, now: datetime) -> int:
        """Inside Store.purge's transaction: forget states (and notes) of references no longer
        within retention, or whose submission is gone. Returns how many."""
        return conn.execute(f"DELETE FROM progress WHERE reference NOT IN ({_RECENT})",
                            (self._oldest(now),)).rowcount
