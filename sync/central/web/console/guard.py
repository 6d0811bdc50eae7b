"""Locking an account name out after repeated failed sign-ins, kept in the database so every
worker process sees it and a restart does not clear it.

Counted per name as typed (case and surrounding spaces ignored), known account or not, so the
lockout says nothing about which names exist. Every FAILURES_PER_LOCK failures lock the name:
15 minutes the first time, twice as long each time after, at most a day. A name whose last
failure is a day old starts again from nothing; a successful sign-in clears it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import router, transaction

from ..models import SignInGuard

FAILURES_PER_LOCK = 5
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
FORGET_AFTER = timedelta(hours=24)


def guard_key(username: str) -> str:
    return username.strip().casefold()[:150]


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def lock_length(failures: int) -> timedelta:
    """How long the `failures`-th failure locks the name for (zero when it does not)."""
    if failures < FAILURES_PER_LOCK or failures % FAILURES_PER_LOCK:
        return timedelta(0)
    return min(FIRST_LOCK * (1 << (failures // FAILURES_PER_LOCK - 1)), LONGEST_LOCK)


def locked_until(username: str, now: datetime) -> datetime | None:
    """When the name may try again, if it is locked now."""
    row = SignInGuard.objects.filter(username=guard_key(username)).first()
    until = _when(row.locked_until) if row is not None else None
    return until if until is not None and until > now else None


def record_failure(username: str, now: datetime) -> datetime | None:
    """Count a failed sign-in; when it locks the name, until when."""
    with transaction.atomic(using=router.db_for_write(SignInGuard)):
        row, _ = SignInGuard.objects.select_for_update().get_or_create(
            username=guard_key(username))
        last = _when(row.last_failure_at)
        if last is not None and now - last > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = _text(now)
        length = lock_length(row.failures)
        row.locked_until = _text(now + length) if length else row.locked_until
        row.save()
    return now + length if length else None


def record_success(username: str) -> None:
    SignInGuard.objects.filter(username=guard_key(username)).delete()
