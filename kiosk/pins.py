"""Helper PINs: the rules a new PIN must meet, how it is kept, and the growing lock.

NIST SP 800-63B: at least 6 digits, refuse the obvious ones, store only a salted, memory-hard
hash (scrypt at N=2^17, r=8, OWASP's floor: about 0.4 s and 128 MiB per check, so every 6-digit
PIN costs about 100 core-hours from a stolen disk; a hash made at a lower cost is made again at
the helper's next right PIN), and limit consecutive failures. Here: after 5 wrong PINs the pad locks for 30 s,
then each further lock is four times longer, up to an hour; a right PIN resets the count. The
state is kept in the database, so switching the kiosk off and on does not reset it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

MIN_DIGITS = 6
MAX_DIGITS = 12
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK_SECONDS = 30
LONGEST_LOCK_SECONDS = 3600
SCRYPT_COST = {"n": 2**17, "r": 8, "p": 1}  # 128 * n * r bytes = 128 MiB per hash
# What one check may use: room for N=2^17 at r=8, and a stored hash that asks for more (a
# hostile row, say) is refused rather than allowed to exhaust the kiosk's memory.
MAX_MEMORY = 2**28
_COMMON = {"123123", "121212", "112233", "102030", "123321", "147258", "159753", "696969",
           "131313", "654321"}


class PinRuleError(ValueError):
    """A new PIN that would be too easy to guess; the message says why."""


def check_new_pin(pin: str) -> None:
    if not pin.isdigit() or not pin.isascii():
        raise PinRuleError("A PIN is digits only.")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinRuleError(f"A PIN has {MIN_DIGITS} to {MAX_DIGITS} digits.")
    if len(set(pin)) == 1:
        raise PinRuleError("A PIN of one digit repeated is too easy to guess.")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {-1}):
        raise PinRuleError("A PIN of digits in order (123456) is too easy to guess.")
    repeats = any(pin == (pin[:period] * len(pin))[: len(pin)] for period in range(2, 4))
    if pin in _COMMON or repeats:  # 121212, 454545, 123123
        raise PinRuleError("That PIN is one of the most common ones; choose another.")


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, maxmem=MAX_MEMORY, **SCRYPT_COST)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        **SCRYPT_COST, salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode())


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                  p=int(p), maxmem=MAX_MEMORY)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


def needs_rehash(stored: str) -> bool:
    """True when `stored` was made at a lower cost than today's (an older kiosk's N=2^15):
    its helper's next right PIN stores it again at today's cost."""
    try:
        scheme, n, r, p, _salt, _digest = stored.split("$")
        return scheme != "scrypt" or int(n) * int(r) * int(p) < (
            SCRYPT_COST["n"] * SCRYPT_COST["r"] * SCRYPT_COST["p"])
    except ValueError:
        return True


def lock_seconds(lockouts: int) -> int:
    """How long the pad stays locked the n-th time in a row: 30 s, 2 min, 8 min, 32 min, 1 h."""
    growth: int = 4 ** max(0, lockouts - 1)  # an int: the power is never negative
    return min(LONGEST_LOCK_SECONDS, FIRST_LOCK_SECONDS * growth)


@dataclass(frozen=True)
class LockState:
    failures: int = 0  # wrong PINs since the last right one or the last lock
    lockouts: int = 0  # locks in a row (each longer)
    locked_until: str | None = None

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | None) -> LockState:
        """From the setting the store keeps it in (its fields, as JSON)."""
        return cls(**(value or {}))

    def remaining(self, now: datetime) -> float:
        if self.locked_until is None:
            return 0.0
        left = (datetime.fromisoformat(self.locked_until) - now).total_seconds()
        # A clock set back (a flat battery, a wrong time zone) never locks longer than the
        # lock that was given.
        return max(0.0, min(left, float(lock_seconds(self.lockouts))))

    def after_failure(self, now: datetime) -> LockState:
        failures = self.failures + 1
        if failures < FAILURES_BEFORE_LOCK:
            return LockState(failures, self.lockouts, self.locked_until)
        lockouts = self.lockouts + 1
        until = now + timedelta(seconds=lock_seconds(lockouts))
        return LockState(0, lockouts, until.isoformat())
