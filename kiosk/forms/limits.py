"""How long a typed answer may be, and how it is tidied before it is kept.

Every question typed into a box has a maximum length: a default per type (below), or the
question's own `max_length`. The box stops taking characters there and the session refuses a
longer answer, so nothing unbounded reaches the store, the receipt or the service. A text
question may also ask for its answer to be tidied (`normalise`): "ls1  4ab" typed for a
postcode is kept as "LS1 4AB".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

# A name or an address line fits in 200; a description in 1,000 (about a page of a letter).
# An email address can be 254 by its standard; a phone number typed with spaces and a
# country code fits in 30; an identity number (an IBAN is 34) fits in 50 with its spaces.
DEFAULT_MAX_LENGTH = {"text": 200, "multiline": 1000, "id_number": 50, "phone": 30,
                      "email": 254}
BOUNDED_TYPES = frozenset({"text", "id_number", "phone", "email"})
# A repeat has at most this many items, however many "add another" or repeat_count asks for.
MAX_REPEAT_ITEMS = 100
# The count of characters left shows from this share of the limit on.
COUNT_FROM = 0.8

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
NORMALISERS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "collapse_spaces": lambda text: _SPACES.sub(" ", text).strip(),
    "no_spaces": lambda text: _SPACES.sub("", text),
}


def max_length(kind: str, appearance: str | None, own: int | None) -> int | None:
    """The most characters an answer to this question may have; None if it is not typed."""
    if kind not in BOUNDED_TYPES:
        return None
    if own is not None:
        return own
    key = "multiline" if kind == "text" and appearance == "multiline" else kind
    return DEFAULT_MAX_LENGTH[key]


def steps(value: Any) -> list[str]:
    """`normalise` as written: a list, or words in one string (as in an XLSForm cell)."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [str(step).strip() for step in value]


def normalise(text: str, names: Iterable[str]) -> str:
    for name in names:
        text = NORMALISERS[name](text)
    return text


def characters_left(length: int, limit: int | None) -> int | None:
    """How many characters are left, once the answer is near its limit; None before."""
    if limit is None or length < COUNT_FROM * limit:
        return None
    return max(0, limit - length)


# Names and address lines have a capital at each word; other text at each sentence. A phone's
# keyboard does the same: it saves a Shift for most words a citizen types.
WORD_CAPITALS = frozenset({"full_name", "given_name", "family_name", "address_line_1",
                           "address_line_2", "town"})


# Where the on-screen keyboard starts a capital for itself (capitals() says why).
Capitals = Literal["words", "sentences", "all", "none"]


def capitals(kind: str, profile: str | None, normalise_steps: Iterable[str]) -> Capitals:
    """Where the on-screen keyboard starts a capital for itself: "words", "sentences", "all"
    (the answer is tidied to capitals: a postcode, typed on the code keys), or "none" (not free
    text, or the answer is tidied to small letters or without spaces anyway)."""
    steps = set(normalise_steps)
    if kind == "text" and "upper" in steps:
        return "all"
    if kind != "text" or steps & {"lower", "no_spaces"}:
        return "none"
    return "words" if profile in WORD_CAPITALS else "sentences"
