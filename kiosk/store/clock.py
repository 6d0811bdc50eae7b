"""Times are stored in UTC, ISO 8601 with offset, and shown in the kiosk's local time."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def local_time(stamp: str | None) -> str:
    """A stored UTC time as the kiosk's local time, for people to read ("" for none)."""
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
