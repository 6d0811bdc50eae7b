"""The kiosk-wide wait after wrong resume codes: guessing a stranger's code costs time.

A visit is wiped after 5 wrong codes, but a new visit starts at once, so the count is the
kiosk's, kept in its database: neither a wipe nor a restart clears it. Up to 9 codes that open
nothing in an hour are free (people mistype; a typo caught by the check character is not
counted at all). The 10th starts a wait of a minute; from then on, until a whole day passes
without a wrong code, each further one starts a longer wait: 4 minutes, 16, then an hour each
time. So a guesser gets about one try an hour. A right code does not clear it (anyone can
save a form of their own to get one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

GUARD_SETTING = "resume_code_guard"  # where the store keeps it (settings.py)
FREE_WRONG_PER_HOUR = 9  # the 10th wrong code in an hour starts the first wait
WINDOW = timedelta(hours=1)
FORGIVEN_AFTER = timedelta(days=1)  # a day without a wrong code: the waits start small again
FIRST_WAIT_SECONDS = 60
LONGEST_WAIT_SECONDS = 3600


def wait_seconds(waits: int) -> int:
    """The n-th wait in a row: 1 minute, 4, 16, then an hour."""
    growth: int = 4 ** max(0, waits - 1)
    return min(LONGEST_WAIT_SECONDS, FIRST_WAIT_SECONDS * growth)


@dataclass(frozen=True)
class CodeGuard:
    """Its fields are the stored JSON (times as ISO 8601)."""

    recent: list[str] = field(default_factory=list)  # wrong codes in the last hour, oldest first
    waits: int = 0  # waits in a row, since the last day without a wrong code
    last_wrong: str | None = None
    wait_until: str | None = None

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | None) -> CodeGuard:
        return cls(**(value or {}))

    def as_json(self) -> dict[str, Any]:
        return {"recent": self.recent, "waits": self.waits, "last_wrong": self.last_wrong,
                "wait_until": self.wait_until}

    def remaining(self, now: datetime) -> float:
        """Seconds until codes are looked at again (0: now)."""
        if self.wait_until is None:
            return 0.0
        left = (datetime.fromisoformat(self.wait_until) - now).total_seconds()
        # A clock set back never makes a wait longer than the one that was given.
        return max(0.0, min(left, float(wait_seconds(self.waits))))

    def after_wrong(self, now: datetime) -> CodeGuard:
        """One more code that opened nothing, at `now`."""
        waits = self.waits
        if self.last_wrong is not None and now - datetime.fromisoformat(self.last_wrong) \
                >= FORGIVEN_AFTER:
            waits = 0
        recent = [at for at in self.recent if now - datetime.fromisoformat(at) < WINDOW]
        recent = [*recent, now.isoformat()][-(FREE_WRONG_PER_HOUR + 1):]
        wait_until = self.wait_until
        if waits > 0 or len(recent) > FREE_WRONG_PER_HOUR:
            waits += 1
            wait_until = (now + timedelta(seconds=wait_seconds(waits))).isoformat()
        return CodeGuard(recent, waits, now.isoformat(), wait_until)

    def in_last_hour(self, now: datetime) -> int:
        return sum(now - datetime.fromisoformat(at) < WINDOW for at in self.recent)
