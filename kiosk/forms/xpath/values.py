"""XPath value rules: how answers turn into numbers, strings, booleans and dates.

Answers arrive typed (str, int, float, bool, date, time, list for select_multiple); an
unanswered question is the empty string. The rules follow XPath 1.0 as ODK applies them,
with dates counting as days since 1970-01-01 in arithmetic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import cast

EPOCH = date(1970, 1, 1)
# The longest text an expression may make: ten of the longest typed answers (10,000). A form
# whose expressions could make more is refused as it loads (kiosk/forms/value_sizes.py), and
# concat() and join() give the empty string rather than build more.
MAX_TEXT = 100_000
NAN = float("nan")
# XPath's whitespace is only space, tab, CR and LF (float() refuses other control characters).
_NUMBER = re.compile(r"^[ \t\r\n]*-?(\d+(\.\d*)?|\.\d+)[ \t\r\n]*$")
_DATE = re.compile(r"^[ \t\r\n]*(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?[ \t\r\n]*$")
_FIRST_DAY, _LAST_DAY = date.min.toordinal(), date.max.toordinal()


def is_number_text(text: str) -> bool:
    """Whether XPath reads the text as a number ('56.50', ' -3 ', '.5')."""
    return _NUMBER.match(text) is not None


class Nodeset(tuple[object, ...]):
    """The answers to one question across every item of a repeat, seen from outside it."""


def temporal_text(value: datetime | date | time) -> str:
    """A date, time or moment as forms write it (ISO 8601, a time to the minute): the same in
    expressions and in the answers sent."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value.strftime("%H:%M")


def to_string(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime | date | time):
        return temporal_text(value)
    if isinstance(value, Nodeset):
        return to_string(value[0]) if value else ""
    if isinstance(value, list | tuple):
        return " ".join(to_string(item) for item in value)
    return str(value)


def _number_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)  # the shortest text that reads back as the same number, as XPath asks
    if "e" in text:  # XPath never writes exponents
        text = format(Decimal(text), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
    return text


def _decimal_text(value: Decimal) -> str:
    """An exact result (kiosk/forms/xpath/decimals.py) as XPath writes numbers: 1.7, 2."""
    if not value.is_finite():
        return _number_text(float(value))
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def to_number(value: object) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:  # an integer beyond a double is as far as a double goes
            return math.inf if value > 0 else -math.inf
    if isinstance(value, str):
        if _NUMBER.match(value):
            return float(value)
        found = to_date(value) if _DATE.match(value) else None  # ODK: a date string is its days
        return float((found - EPOCH).days) if found else NAN
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - datetime(1970, 1, 1)
        return delta.total_seconds() / 86400
    if isinstance(value, date):
        return float((value - EPOCH).days)
    if isinstance(value, Nodeset):
        return to_number(value[0]) if value else NAN
    if isinstance(value, list | tuple):
        return to_number(to_string(value))
    return NAN


def to_boolean(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, int):
        return value != 0
    if isinstance(value, Decimal):
        return not value.is_nan() and value != 0
    if isinstance(value, str | list | tuple):
        return len(value) > 0
    return True  # dates and times


def to_date(value: object) -> date | None:
    """A date from a date, a 'YYYY-MM-DD' string or a number of days; None when there is none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, Nodeset):
        return to_date(value[0]) if value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = to_number(value)
        if math.isnan(number) or math.isinf(number):
            return None
        ordinal = EPOCH.toordinal() + math.floor(number)
        return date.fromordinal(ordinal) if _FIRST_DAY <= ordinal <= _LAST_DAY else None
    if isinstance(value, str):
        match = _DATE.match(value)
        if not match:
            return None
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def is_empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_date(value: object) -> bool:
    return isinstance(value, date)


_PLAIN_NUMBERS = (int, float)


def compare(op: str, left: object, right: object) -> bool:
    """XPath comparison; a repeat's answers compare true when any one of them does."""
    left_type, right_type = type(left), type(right)
    if left_type is right_type is str and op in ("=", "!="):  # the common case, made quick
        return (left == right) == (op == "=")
    if left_type in _PLAIN_NUMBERS and right_type in _PLAIN_NUMBERS:
        # Numbers, by type() above (bool excluded, so quicker than isinstance): mypy cannot
        # narrow on it, hence the casts.
        a, b = cast(float, left), cast(float, right)
        if op == "=":
            return a == b
        return a != b if op == "!=" else _ORDER[op](a, b)
    if isinstance(left, bool) or isinstance(right, bool):
        # XPath 1.0 section 3.4: a node-set beside a boolean is compared as a boolean.
        if op in ("=", "!="):
            return (to_boolean(left) == to_boolean(right)) == (op == "=")
        left, right = float(to_boolean(left)), float(to_boolean(right))
    if isinstance(left, Nodeset):
        return any(compare(op, item, right) for item in left)
    if isinstance(right, Nodeset):
        return any(compare(op, left, item) for item in right)
    if op in ("=", "!="):
        equal = _equal(left, right)
        return equal if op == "=" else not equal
    a, b = to_number(left), to_number(right)  # dates count in days, so they order too
    if math.isnan(a) or math.isnan(b):
        return False
    return _ORDER[op](a, b)


def _equal(left: object, right: object) -> bool:
    if _is_number(left) or _is_number(right) or isinstance(left, datetime) \
            or isinstance(right, datetime):
        a, b = to_number(left), to_number(right)
        return a == b  # NaN equals nothing, as in XPath
    if _is_date(left) or _is_date(right):
        left_date, right_date = to_date(left), to_date(right)
        if left_date is not None and right_date is not None:
            return left_date == right_date
    return to_string(left) == to_string(right)


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def flatten(values: Iterable[object]) -> list[object]:
    """Arguments of sum(), max(), join(): a repeat's answers spread into single values."""
    flat: list[object] = []
    for value in values:
        if isinstance(value, Nodeset):
            flat.extend(value)
        else:
            flat.append(value)
    return flat
