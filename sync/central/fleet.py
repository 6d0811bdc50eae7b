"""The fleet as staff watch it: each kiosk's last heartbeat, and whether it has gone silent.

A kiosk is silent when more than two of its heartbeat intervals have passed since its last
heartbeat (one missed beat is a hiccup of the network; two are worth a look). The interval is
the one the kiosk reported (heartbeat_minutes in its config); kiosks older than that report
are taken to beat every DEFAULT_INTERVAL_MINUTES.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from .records import AuditVerdict, DeviceRecord, Heartbeat

DEFAULT_INTERVAL_MINUTES = 5
MISSED_BEATS = 2

# revoked: its token no longer works; waiting: added, not heard from yet
Standing = Literal["beating", "silent", "waiting", "revoked"]
STANDING_WORDS: dict[Standing, str] = {"beating": "Beating", "silent": "Silent",
                                       "waiting": "Not heard from yet", "revoked": "Revoked"}


@dataclass(frozen=True)
class KioskRow:
    """One line of the fleet page."""

    device_id: str
    created_at: str
    standing: Standing
    heartbeat: Heartbeat | None
    interval_minutes: int
    silent_for: timedelta | None  # since the last heartbeat, when silent
    audit: AuditVerdict | None

    @property
    def word(self) -> str:
        return STANDING_WORDS[self.standing]


def parse_time(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def standing(device: DeviceRecord, now: datetime) -> tuple[Standing, timedelta | None]:
    """The kiosk's standing now, and how long it has been quiet (None unless silent)."""
    if device["revoked"]:
        return "revoked", None
    beat = device["last_heartbeat"]
    if beat is None:
        return "waiting", None
    quiet = now - parse_time(beat["received_at"])
    allowed = timedelta(minutes=MISSED_BEATS * interval_of(beat))
    return ("silent", quiet) if quiet > allowed else ("beating", None)


def interval_of(beat: Heartbeat | None) -> int:
    given = beat.get("interval_minutes") if beat is not None else None
    return given if given else DEFAULT_INTERVAL_MINUTES


def fleet(devices: list[DeviceRecord], now: datetime | None = None) -> list[KioskRow]:
    """Every kiosk, silent ones first (what needs a look), then by id."""
    moment = now or datetime.now(UTC)
    rows = []
    for device in devices:
        state, quiet = standing(device, moment)
        rows.append(KioskRow(device["id"], device["created_at"], state,
                             device["last_heartbeat"], interval_of(device["last_heartbeat"]),
                             quiet, device["audit"]))
    order = {"silent": 0, "waiting": 1, "beating": 2, "revoked": 3}
    return sorted(rows, key=lambda row: (order[row.standing], row.device_id))


def duration_words(span: timedelta) -> str:
    """'3 days 4 hours', '2 hours 5 minutes', '7 minutes': as a person reads a silence."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n][:2]
    return " ".join(shown) or "less than a minute"


def disk_words(free_bytes: int) -> str:
    """Free disk as a person reads it, in the decimal units disks are sold in."""
    if free_bytes < 0:
        return "unknown"  # the kiosk could not tell
    for size, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if free_bytes >= size:
            return f"{free_bytes / size:.1f} {unit}"
    return f"{free_bytes} bytes"


def clock_words(stamp: str | None) -> str:
    """An ISO time as 'YYYY-MM-DD HH:MM' in UTC; '' for none."""
    if not stamp:
        return ""
    try:
        return parse_time(stamp).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp
