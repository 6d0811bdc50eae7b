"""The XLSForm functions the kiosk supports. Each never raises on answers: odd input gives
NaN, false or the empty string, as XPath does."""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, cast

from .decimals import to_decimal
from .patterns import matches, pattern_problem
from .values import (
    MAX_TEXT,
    NAN,
    Nodeset,
    flatten,
    is_empty,
    to_boolean,
    to_date,
    to_number,
    to_string,
)

if TYPE_CHECKING:
    from .compiler import EvalContext


@dataclass(frozen=True, slots=True)
class Function:
    impl: Callable[..., object]  # impl(ctx, *argument values)
    min_args: int
    max_args: int | None  # None: any number


def _items(value: object) -> list[str]:
    if isinstance(value, list):
        return [to_string(item) for item in value]
    text = to_string(value)
    return text.split() if text else []


def _selected(ctx: EvalContext, value: object, option: object) -> bool:
    return to_string(option).strip() in _items(value)


def _selected_at(ctx: EvalContext, value: object, index: object) -> str:
    number = to_number(index)
    items = _items(value)
    if math.isnan(number) or not 0 <= number < len(items):
        return ""
    return items[int(number)]


def _string_length(ctx: EvalContext, *value: object) -> float:
    return float(len(to_string(value[0] if value else ctx.current)))


def _regex(ctx: EvalContext, value: object, pattern: object) -> bool:
    return matches(to_string(pattern), to_string(value))  # RE2: linear time (patterns.py)


def _bounded(parts: list[str]) -> str:
    """The parts joined, or "" when that would pass MAX_TEXT (a form the loader's count of
    value sizes let through: 31 doublings would otherwise make 4 GB)."""
    return "".join(parts) if sum(map(len, parts)) <= MAX_TEXT else ""


def _concat(ctx: EvalContext, *values: object) -> str:
    return _bounded([to_string(item) for item in flatten(values)])


def _coalesce(ctx: EvalContext, first: object, second: object) -> object:
    return second if is_empty(first) else first


def _int(ctx: EvalContext, value: object) -> float | Decimal:
    if isinstance(value, Decimal):
        return value.to_integral_value(rounding=ROUND_DOWN) if value.is_finite() else value
    number = to_number(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


def _places(digits: object) -> int | None:
    """round()'s places as JavaRosa reads them: a whole number (NaN is 0); None past 30."""
    places = to_number(digits)
    if math.isnan(places):
        return 0
    if math.isinf(places) or abs(places) > 30:
        return None  # JavaRosa: "absurdly large rounding requests yield NaN"
    return int(places)


def _round(ctx: EvalContext, value: object, digits: object = 0.0) -> float | Decimal:
    """As JavaRosa (ODK Collect) rounds: halves towards +infinity, as XPath says (round(2.5)
    is 3, round(-2.5) is -2), from the number's shortest decimal text (1.005 is 1.01)."""
    places = _places(digits)
    if isinstance(value, Decimal):  # exact arithmetic (decimals.py): no double at all
        if not value.is_finite():
            return value
        if places is None:
            return Decimal("NaN")
        mode = ROUND_HALF_DOWN if value < 0 else ROUND_HALF_UP
        try:
            return value.quantize(Decimal(1).scaleb(-places), rounding=mode)
        except InvalidOperation:  # more digits than a decimal keeps: nothing to round
            return value
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return number
    if places is None:
        return NAN
    if places < 0:  # JavaRosa: scaled, plus a half, cut to a whole number, scaled back
        scaled = float(Decimal(repr(number)).scaleb(places)) + 0.5
        return float(Decimal(math.trunc(scaled)).scaleb(-places))
    mode = ROUND_HALF_DOWN if number < 0 else ROUND_HALF_UP
    try:
        return float(Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=mode))
    except InvalidOperation:  # 1e300 to 2 places: more digits than a decimal keeps, no fraction
        return number


def _date(ctx: EvalContext, value: object) -> date | str:
    found = to_date(value)
    return found if found is not None else ""


def _substr(ctx: EvalContext, value: object, start: object, end: object = None) -> str:
    text = to_string(value)
    first = to_number(start)
    last = float(len(text)) if end is None else to_number(end)
    if math.isnan(first) or math.isnan(last):
        return ""
    first, last = (min(max(n, 0.0), float(len(text))) for n in (first, last))
    return text[int(first):int(last)]


def _count(ctx: EvalContext, value: object) -> float:
    if isinstance(value, Nodeset | list):
        return float(len(value))
    return 0.0 if is_empty(value) else 1.0


def _numbers(values: tuple[object, ...], exact: bool = False) -> list[float]:
    items = [item for item in flatten(values) if not is_empty(item)]
    if exact:  # decimals.py: every number as written, none through a double
        return [cast(float, to_decimal(item)) for item in items]
    return [to_number(item) for item in items]


def _sum(ctx: EvalContext, *values: object) -> float | Decimal:
    numbers = _numbers(values, ctx.exact)
    if ctx.exact:
        return sum(map(to_decimal, numbers), Decimal(0))
    return float(sum(numbers)) if numbers else 0.0


def _extreme(pick: Callable[[list[float]], float]) -> Callable[..., float]:
    def impl(ctx: EvalContext, *values: object) -> float:
        numbers = _numbers(values, ctx.exact)
        if not numbers or any(math.isnan(n) for n in numbers):
            return NAN
        return pick(numbers)

    return impl


def _pow(ctx: EvalContext, base: object, exponent: object) -> float:
    x, y = to_number(base), to_number(exponent)
    try:
        return math.pow(x, y)
    except OverflowError:  # IEEE 754: too large is infinite, with the sign of an odd power
        odd = y.is_integer() and y % 2 == 1
        return math.copysign(math.inf, x) if odd else math.inf
    except ValueError:
        return math.inf if x == 0 else NAN  # pow(0, -1) is +Infinity; pow(-8, 0.5) is NaN


def _unary(fn: Callable[[float], float]) -> Callable[[EvalContext, object], float]:
    def impl(ctx: EvalContext, value: object) -> float:
        if isinstance(value, Decimal) and value.is_finite():  # exact: floor(), abs() stay so
            return cast(float, Decimal(fn(cast(float, value))))
        number = to_number(value)
        if math.isnan(number) or math.isinf(number):
            return number
        return float(fn(number))

    return impl


def _join(ctx: EvalContext, separator: object, *values: object) -> str:
    items, between = [to_string(item) for item in flatten(values)], to_string(separator)
    if sum(map(len, items)) + len(between) * max(0, len(items) - 1) > MAX_TEXT:
        return ""  # as _bounded
    return between.join(items)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_PARTS: dict[str, Callable[[date], str]] = {
    "%a": lambda d: _DAYS[d.weekday()],
    "%b": lambda d: _MONTHS[d.month - 1],
    "%Y": lambda d: f"{d.year:04d}",
    "%y": lambda d: f"{d.year % 100:02d}",
    "%m": lambda d: f"{d.month:02d}",
    "%n": lambda d: str(d.month),
    "%d": lambda d: f"{d.day:02d}",
    "%e": lambda d: str(d.day),
}


def _format_date(ctx: EvalContext, value: object, pattern: object) -> str:
    found = to_date(value)
    if found is None:
        return ""
    return re.sub(r"%[Yymndeab]", lambda m: _DATE_PARTS[m.group()](found), to_string(pattern))


def _decimal_date_time(ctx: EvalContext, value: object) -> float:
    if isinstance(value, datetime | date):
        return to_number(value)
    found = to_date(value)
    return to_number(found) if found else NAN


_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _normalize_space(ctx: EvalContext, value: object) -> str:
    return " ".join(_XML_SPACE.split(to_string(value).strip(" \t\r\n")))


def _boolean_from_string(ctx: EvalContext, value: object) -> bool:
    text = to_string(value)  # JavaRosa: "true" in any case, or "1"
    return text.lower() == "true" or text == "1"


MAX_UUID = 1_000  # characters of uuid(n): more gives the empty string, as concat() does
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _uuid(ctx: EvalContext, *length: object) -> str:
    """uuid(): a random RFC 4122 version 4 UUID; uuid(n): n random letters and digits (upper
    case), as JavaRosa makes them. Worked out again at each change: write once(uuid())."""
    if not length:
        return str(uuid.uuid4())
    count = to_number(length[0])
    if math.isnan(count) or count < 1 or count > MAX_UUID:
        return ""
    return "".join(secrets.choice(_BASE36) for _ in range(int(count)))


DIGESTS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384",
           "SHA512": "sha512"}
ENCODINGS = ("base64", "hex")


def digest_algorithm(name: str) -> str | None:
    """hashlib's name for digest()'s algorithm ('SHA-256', 'sha256', 'md5'), as JavaRosa
    reads it: upper case, hyphens removed; None when JavaRosa does not know it."""
    return DIGESTS.get(name.upper().replace("-", ""))


def _digest(ctx: EvalContext, data: object, algorithm: object, encoding: object = "base64") -> str:
    found, how = digest_algorithm(to_string(algorithm)), to_string(encoding).lower()
    if found is None or how not in ENCODINGS:
        return ""  # a literal name is checked when the form loads (compiler.py)
    digest = hashlib.new(found, to_string(data).encode("utf-8")).digest()
    return digest.hex() if how == "hex" else base64.b64encode(digest).decode("ascii")


def _count_non_empty(ctx: EvalContext, value: object) -> float:
    items = value if isinstance(value, Nodeset) else (value,)
    return float(sum(1 for item in items if not is_empty(item)))


def _substring_before(ctx: EvalContext, value: object, mark: object) -> str:
    text, found = to_string(value), to_string(mark)
    index = text.find(found)
    return text[:index] if index >= 0 and found else ""


def _substring_after(ctx: EvalContext, value: object, mark: object) -> str:
    text, found = to_string(value), to_string(mark)
    index = text.find(found)
    return text[index + len(found):] if index >= 0 else ""


def _translate(ctx: EvalContext, value: object, source: object, target: object) -> str:
    table: dict[int, int | None] = {}
    into = to_string(target)
    for index, char in enumerate(to_string(source)):
        table.setdefault(ord(char), ord(into[index]) if index < len(into) else None)
    return to_string(value).translate(table)


def _math(fn: Callable[[float], float]) -> Callable[[EvalContext, object], float]:
    def impl(ctx: EvalContext, value: object) -> float:
        try:
            return fn(to_number(value))
        except OverflowError:  # exp(1000): Infinity, as Java's Math gives
            return math.inf
        except ValueError:  # sqrt(-1), sin(Infinity): NaN, as Java's Math gives
            return NAN

    return impl


FUNCTIONS: dict[str, Function] = {
    "selected": Function(_selected, 2, 2),
    "count-selected": Function(lambda ctx, v: float(len(_items(v))), 1, 1),
    "selected-at": Function(_selected_at, 2, 2),
    "string-length": Function(_string_length, 0, 1),
    "regex": Function(_regex, 2, 2),
    "concat": Function(_concat, 0, None),
    "coalesce": Function(_coalesce, 2, 2),
    "today": Function(lambda ctx: ctx.today, 0, 0),
    "now": Function(lambda ctx: ctx.now, 0, 0),
    "int": Function(_int, 1, 1),
    "number": Function(lambda ctx, v: to_decimal(v) if ctx.exact else to_number(v), 1, 1),
    "string": Function(lambda ctx, v: to_string(v), 1, 1),
    "boolean": Function(lambda ctx, v: to_boolean(v), 1, 1),
    "not": Function(lambda ctx, v: not to_boolean(v), 1, 1),
    "true": Function(lambda ctx: True, 0, 0),
    "false": Function(lambda ctx: False, 0, 0),
    "round": Function(_round, 1, 2),
    "date": Function(_date, 1, 1),
    "decimal-date-time": Function(_decimal_date_time, 1, 1),
    "format-date": Function(_format_date, 2, 2),
    "contains": Function(lambda ctx, s, t: to_string(t) in to_string(s), 2, 2),
    "starts-with": Function(lambda ctx, s, t: to_string(s).startswith(to_string(t)), 2, 2),
    "ends-with": Function(lambda ctx, s, t: to_string(s).endswith(to_string(t)), 2, 2),
    "substr": Function(_substr, 2, 3),
    "normalize-space": Function(_normalize_space, 1, 1),
    "count": Function(_count, 1, 1),
    "sum": Function(_sum, 1, None),
    "max": Function(_extreme(max), 1, None),
    "min": Function(_extreme(min), 1, None),
    "abs": Function(_unary(abs), 1, 1),
    "floor": Function(_unary(math.floor), 1, 1),
    "ceiling": Function(_unary(math.ceil), 1, 1),
    "pow": Function(_pow, 2, 2),
    "join": Function(_join, 2, None),
    "boolean-from-string": Function(_boolean_from_string, 1, 1),
    "uuid": Function(_uuid, 0, 1),
    "digest": Function(_digest, 2, 3),
    "count-non-empty": Function(_count_non_empty, 1, 1),
    "substring-before": Function(_substring_before, 2, 2),
    "substring-after": Function(_substring_after, 2, 2),
    "translate": Function(_translate, 3, 3),
    "sqrt": Function(_math(math.sqrt), 1, 1),
    "exp": Function(_math(math.exp), 1, 1),
    "exp10": Function(_math(lambda x: math.pow(10, x)), 1, 1),
    "log": Function(_math(lambda x: -math.inf if x == 0 else math.log(x)), 1, 1),
    "log10": Function(_math(lambda x: -math.inf if x == 0 else math.log10(x)), 1, 1),
    "sin": Function(_math(math.sin), 1, 1),
    "cos": Function(_math(math.cos), 1, 1),
    "tan": Function(_math(math.tan), 1, 1),
    "asin": Function(_math(math.asin), 1, 1),
    "acos": Function(_math(math.acos), 1, 1),
    "atan": Function(_math(math.atan), 1, 1),
    "atan2": Function(lambda ctx, y, x: math.atan2(to_number(y), to_number(x)), 2, 2),
    "pi": Function(lambda ctx: math.pi, 0, 0),
}
# Functions of ODK's XPath the kiosk does not offer, and why: a form using one is refused by
# name when it loads, rather than told the function does not exist.
UNSUPPORTED = {
    "pulldata": "it reads a CSV file attached to the form, which the kiosk does not have",
    "instance": "it reads a secondary instance (a choice list or an attached file); filter "
                "a select's own choices with choice_filter",
    "current": "it is only used in paths, which the kiosk does not have",
    "jr:itext": "the kiosk has no text ids; use jr:choice-name() for an option's label",
    "area": "the kiosk takes no GPS answers", "enclosed-area": "the kiosk takes no GPS answers",
    "distance": "the kiosk takes no GPS answers", "geofence": "the kiosk takes no GPS answers",
    "randomize": "the kiosk shows options in the form's order",
    "random": "a kiosk's answers are repeatable; use uuid() for a random identifier",
    "property": "it reads the device's properties (its phone number, user name)",
    "version": "write the form's version as text",
    "base64-decode": "it decodes text the kiosk never receives",
    "extract-signed": "it checks signed text the kiosk never receives",
    "checklist": "write count-selected() or a sum of if() instead",
    "weighted-checklist": "write a sum of if() instead",
    "depend": "it is a JavaRosa internal",
    "date-time": "the kiosk's dates have no time: use date()",
    "decimal-time": "the kiosk's times are HH:MM answers",
    "format-date-time": "use format-date()",
    "sort": "the kiosk shows options in the form's order",
}
# if() evaluates only the branch it needs, so the compiler handles it itself.
LAZY_FUNCTIONS = {"if": (3, 3)}


def check_pattern(pattern: str) -> str | None:
    """Why a literal regex pattern does not compile, or None when it does."""
    return pattern_problem(pattern)
