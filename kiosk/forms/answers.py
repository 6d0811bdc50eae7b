"""Turn what a person entered into a typed answer, or the reason it cannot be one.

Forgiving where people are: digits in any script, stray spaces and hyphens in numbers,
`,` or `.` as decimal mark. Errors are message keys under `validation.` in assets/i18n.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from stdnum import damm, luhn, verhoeff
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_11_2, mod_11_10, mod_97_10

from .limits import normalise as tidy

TEXT_LIMIT = 2000
SIGNATURE_LIMIT = 200_000
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_GROUPED = re.compile(r"^-?\d{1,3}([,.'\u066c]\d{3})+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_ALPHANUMERIC = re.compile(r"^[0-9A-Z]+$")
_DIGITS = re.compile(r"[0-9]{1,9}")
DATE_PARTS = ("day", "month", "year")
TIME_PARTS = ("hour", "minute")
_CHECKS = {
    "luhn": luhn.validate,
    "verhoeff": verhoeff.validate,
    "damm": damm.validate,
    "mod_11_10": mod_11_10.validate,
    "mod_11_2": mod_11_2.validate,
    "mod_97_10": mod_97_10.validate,
}


@dataclass(frozen=True)
class Invalid:
    """Why an entry is not an answer: a message key and its parameters, and for a date or a
    time the boxes at fault ("day"), so the screen can mark them."""

    key: str
    params: tuple[tuple[str, object], ...] = ()
    parts: tuple[str, ...] = ()


class AnswerError(Exception):
    def __init__(self, key: str, *, parts: tuple[str, ...] = (), **params: object):
        super().__init__(key)
        self.invalid = Invalid(key, tuple(params.items()), parts)


def ascii_digits(text: str) -> str:
    """'٣٤' and '३४' become '34'; everything else is left alone."""
    return "".join(
        str(unicodedata.digit(char)) if not char.isascii() and unicodedata.digit(char, None) is not None
        else char
        for char in text
    )


def _clean(raw: Any) -> str:
    return ascii_digits(str(raw)).strip()


def parse_integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise AnswerError("integer_format")
    if isinstance(raw, int):
        if abs(raw) >= 10**18:
            raise AnswerError("integer_format")
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return parse_integer(int(raw))
    text = _SPACES.sub("", _clean(raw))
    if _GROUPED.match(text):
        text = re.sub(r"[,.'\u066c]", "", text)
    if not re.fullmatch(r"[-+]?\d{1,18}", text):  # beyond 18 digits is never a count
        raise AnswerError("integer_format")
    return int(text)


def parse_decimal(raw: Any, decimal_comma: bool = True) -> float:
    if isinstance(raw, bool):
        raise AnswerError("decimal_format")
    if isinstance(raw, int | float):
        return _finite(raw)
    text = _SPACES.sub("", _clean(raw)).replace("\u066b", ".").replace("\u066c", ",")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif _GROUPED.match(text) and not (decimal_comma and text.count(",") == 1):
        text = re.sub(r"[,.'\u066c]", "", text)
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        raise AnswerError("decimal_format")
    return _finite(text)


def _finite(raw: Any) -> float:
    try:
        number = float(raw)
    except OverflowError:
        raise AnswerError("decimal_format") from None
    if not math.isfinite(number):
        raise AnswerError("decimal_format")
    return number


def _date_parts(raw: Any) -> tuple[str, str, str]:
    if isinstance(raw, dict):
        day, month, year = (_clean(raw.get(part, "") or "") for part in ("day", "month", "year"))
        return day, month, year
    if isinstance(raw, list | tuple) and len(raw) == 3:
        day, month, year = (_clean(part if part is not None else "") for part in raw)
        return day, month, year
    text = _clean(raw)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        return iso[3], iso[2], iso[1]
    parts = re.split(r"[\s/.\-]+", text)
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    raise AnswerError("date_not_real")


def parse_date(raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    day, month, year = _date_parts(raw)
    given = dict(zip(DATE_PARTS, (day, month, year), strict=True))
    missing = tuple(name for name, part in given.items() if not part)
    if missing:
        raise AnswerError(f"date_missing_{missing[0]}", parts=missing)
    wrong = tuple(name for name, part in given.items() if not _DIGITS.fullmatch(part))
    if wrong:
        raise AnswerError("date_not_real", parts=wrong)
    if len(year) != 4:
        raise AnswerError("date_year_digits", parts=("year",))
    try:
        return date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        raise AnswerError("date_not_real", parts=_unreal_date_parts(
            int(day), int(month), int(year))) from None


def _unreal_date_parts(day: int, month: int, year: int) -> tuple[str, ...]:
    """Which of a date's numbers cannot be: 13 as a month, 30 in February, year 0."""
    wrong = []
    longest = 31
    if not 1 <= month <= 12:
        wrong.append("month")
    elif year >= 1:
        longest = calendar.monthrange(min(year, 9999), month)[1]
    if not 1 <= day <= longest:
        wrong.insert(0, "day")
    if not 1 <= year <= 9999:
        wrong.append("year")
    return tuple(wrong) or DATE_PARTS


def parse_time(raw: Any) -> time:
    if isinstance(raw, time):
        return raw
    if isinstance(raw, dict):
        hours, minutes = _clean(raw.get("hour", "")), _clean(raw.get("minute", ""))
    else:
        match = re.fullmatch(r"(\d{1,2})[:.h ](\d{2})(?::\d{2})?", _clean(raw))
        if not match:
            raise AnswerError("time_not_real")
        hours, minutes = match[1], match[2]
    wrong = tuple(name for name, part, top in (("hour", hours, 23), ("minute", minutes, 59))
                  if not _DIGITS.fullmatch(part) or int(part) > top)
    if wrong:
        raise AnswerError("time_not_real", parts=wrong)
    return time(int(hours), int(minutes))


def parse_phone(raw: Any) -> str:
    text = re.sub(r"[\s\u00a0\-().]", "", _clean(raw))
    if text.startswith("00"):
        text = "+" + text[2:]
    digits = text[1:] if text.startswith("+") else text
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise AnswerError("phone_format")
    return text


def parse_email(raw: Any) -> str:
    text = _clean(raw)
    if len(text) > 254 or not _EMAIL.match(text):
        raise AnswerError("email_format")
    return text


def parse_id_number(raw: Any, check_digit: str | None) -> str:
    text = re.sub(r"[\s\u00a0\-/.]", "", _clean(raw)).upper()
    if not _ALPHANUMERIC.match(text):
        raise AnswerError("id_number_format")
    check_id_number(text, check_digit)
    return text


def check_id_number(text: str, check_digit: str | None) -> None:
    """AnswerError when the number's check character does not match (a mistyped character).

    The session calls it after the form's own constraint: a number of the wrong length must
    get the form's message ("must be 9 digits"), not a check-character one."""
    check = _CHECKS.get(check_digit or "none")
    if check is not None:
        try:
            check(text)
        except StdnumError:
            raise AnswerError("id_number_check") from None


def parse_text(raw: Any, max_length: int | None = None, normalise: tuple[str, ...] = ()) -> str:
    # The answer kept is what is bounded: "ls1  4ab" tidied to "LS1 4AB" fits in 8.
    return _bounded(tidy(str(raw).strip(), normalise), max_length or TEXT_LIMIT)


def _bounded(raw: Any, limit: int | None) -> str:
    """The entry without its outer spaces; AnswerError when it is longer than `limit`."""
    text = str(raw).strip()
    if limit is not None and len(text) > limit:
        raise AnswerError("text_too_long", max=limit)
    return text


def parse_select_one(raw: Any, allowed: list[str]) -> str:
    text = str(raw).strip()
    if text not in allowed:
        raise AnswerError("choice_unknown")
    return text


def parse_select_multiple(raw: Any, allowed: list[str]) -> list[str]:
    if isinstance(raw, str):
        items = raw.split()
    elif isinstance(raw, list | tuple | set):
        items = [str(item).strip() for item in raw]
    else:
        raise AnswerError("choice_unknown")
    chosen = list(dict.fromkeys(item for item in items if item))
    if any(item not in allowed for item in chosen):
        raise AnswerError("choice_unknown")
    return chosen


def parse_acknowledge(raw: Any) -> bool | None:
    if raw is True or str(raw).strip().lower() in ("ok", "yes", "true", "1"):
        return True
    return None


def parse_signature(raw: Any) -> str:
    text = str(raw).strip()
    if len(text) > SIGNATURE_LIMIT:
        raise AnswerError("text_too_long", max=SIGNATURE_LIMIT)
    return text


def is_blank(raw: Any) -> bool:
    if raw is None or raw is False:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, dict):
        return all(is_blank(value) for value in raw.values())
    if isinstance(raw, list | tuple):
        return all(is_blank(value) for value in raw)
    return False


def parse_answer(kind: str, raw: Any, *, allowed: list[str] | None = None,
                 check_digit: str | None = None, decimal_comma: bool = True,
                 max_length: int | None = None, normalise: tuple[str, ...] = ()) -> Any:
    """The typed answer for `raw`, None for a blank entry; AnswerError when it is not one.
    `max_length` and `normalise` are the question's (Field.max_length, Field.normalise)."""
    if is_blank(raw):
        return None
    if kind in ("phone", "email", "id_number"):
        _bounded(raw, max_length)
    match kind:
        case "integer":
            return parse_integer(raw)
        case "decimal":
            return parse_decimal(raw, decimal_comma)
        case "date":
            return parse_date(raw)
        case "time":
            return parse_time(raw)
        case "select_one":
            return parse_select_one(raw, allowed or [])
        case "select_multiple":
            return parse_select_multiple(raw, allowed or []) or None
        case "acknowledge":
            return parse_acknowledge(raw)
        case "phone":
            return parse_phone(raw)
        case "email":
            return parse_email(raw)
        case "id_number":
            return parse_id_number(raw, check_digit)
        case "signature":
            return parse_signature(raw)
        case _:
            return parse_text(raw, max_length, normalise)
