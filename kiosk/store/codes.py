"""Reference numbers and resume codes: made offline, read aloud and typed back by people.

Crockford base32 (no I, L, O, U), so nothing looks like anything else; the last character is
a Luhn mod 32 check (python-stdnum), which catches every single mistyped character and most
swapped neighbours. Reading back forgives case, spaces, hyphens, and I/L for 1, O for 0.
"""

from __future__ import annotations

import re
import secrets

from stdnum import luhn
from stdnum.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RANDOM = 9  # 32**9 = 3.5e13 per site: a kiosk would need millions to risk a clash
# A resume code: 9 random characters (45 bits, 1024 times the 7 of kiosks before issue 20) and
# a check, printed as two groups of five with a QR code a helper's scanner types in. Two more
# characters to type is the whole cost; guessing is held back by the kiosk-wide wait
# (code_guard.py), and the stored hash is keyed, so the database alone gives nothing to search.
RESUME_RANDOM = 9
LEGACY_RESUME_RANDOM = 7  # XXXX-XXXX, on slips printed before: still read while they last
_SITE = re.compile(r"^[A-Z0-9]{1,8}$")
_SEPARATORS = re.compile(r"[\s\-._]")  # what people type between groups, or by mistake
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _with_check(body: str) -> str:
    return body + luhn.calc_check_digit(body, alphabet=ALPHABET)


def _group(code: str, size: int) -> str:
    return "-".join(code[i:i + size] for i in range(0, len(code), size))


def site_code(site_id: str) -> str:
    """The site part of a reference: letters and digits only, upper case, at most 8."""
    cleaned = re.sub(r"[^A-Za-z0-9]", "", site_id).upper()[:8]
    return cleaned or "KIOSK"


def new_reference(site_id: str) -> str:
    """e.g. LIB01-K7QFM-2XD9H: the site, nine random characters and a check character."""
    return f"{site_code(site_id)}-{_group(_with_check(_random(REFERENCE_RANDOM)), 5)}"


def new_resume_code() -> str:
    """e.g. K7QFM-2XD9H: nine random characters and a check character."""
    return _group(_with_check(_random(RESUME_RANDOM)), 5)


def normalise(typed: str) -> str:
    """What a person typed, as the characters of a code: 'k7qf m2xd' -> 'K7QFM2XD'."""
    return _SEPARATORS.sub("", typed.upper()).translate(_LOOKALIKES)


def is_valid(code_chars: str) -> bool:
    if not code_chars or any(char not in ALPHABET for char in code_chars):
        return False
    try:
        luhn.validate(code_chars, alphabet=ALPHABET)
    except ValidationError:
        return False
    return True


def read_resume_code(typed: str) -> str | None:
    """The resume code in its printed form, or None when it cannot be one (a typo). A code of
    an older slip (XXXX-XXXX) is read too: its saved form is kept until it expires."""
    chars = normalise(typed)
    groups = {RESUME_RANDOM + 1: 5, LEGACY_RESUME_RANDOM + 1: 4}
    if len(chars) not in groups or not is_valid(chars):
        return None
    return _group(chars, groups[len(chars)])


def reference_parts(typed: str) -> tuple[str, str] | None:
    """The site and the random characters (check last) of a typed reference, if it has a
    reference's shape: 'lib01 k7qfm 2xd9h', 'LIB01K7QFM2XD9H', O for 0 in the random part (the
    site is taken as it is: a site may be called LIB or OLD)."""
    compact = _SEPARATORS.sub("", typed.upper())
    tail = REFERENCE_RANDOM + 1
    site, chars = compact[:-tail], normalise(compact[-tail:])
    if not _SITE.match(site) or len(chars) != tail or any(c not in ALPHABET for c in chars):
        return None
    return site, chars


def read_reference(typed: str) -> str | None:
    """The reference in its printed form, or None when it has not a reference's shape or its
    check character does not match (see reference_parts)."""
    parts = reference_parts(typed)
    if parts is None or not is_valid(parts[1]):
        return None
    return f"{parts[0]}-{_group(parts[1], 5)}"
