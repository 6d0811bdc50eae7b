"""The XLSForm functions the kiosk supports. Each never raises on answers: odd input gives
NaN, false or the empty string, as XPath does."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

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


def _int(ctx: EvalContext, value: object) -> float:
    number = to_number(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


def _round(ctx: EvalContext, value: object, digits: object = 0.0) -> float:
    number, places = to_number(value), to_number(digits)
    if math.isnan(number) or math.isinf(number) or math.isnan(places):
        return number
    if math.isinf(places) or abs(places) > 300:
        return number
    try:
        # Halves away from zero, as ODK Collect (JavaRosa's HALF_UP) rounds: round(-2.5) = -3.
        quantum = Decimal(1).scaleb(-int(places))
        rounded = Decimal(repr(number)).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return number
    return float(rounded)


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


def _numbers(values: tuple[object, ...]) -> list[float]:
    return [to_number(item) for item in flatten(values) if not is_empty(item)]


def _sum(ctx: EvalContext, *values: object) -> float:
    numbers = _numbers(values)
    return float(sum(numbers)) if numbers else 0.0


def _extreme(pick: Callable[[list[float]], float]) -> Callable[..., float]:
    def impl(ctx: EvalContext, *values: object) -> float:
        numbers = _numbers(values)
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
    "number": Function(lambda ctx, v: to_number(v), 1, 1),
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
}
# if() evaluates only the branch it needs, so the compiler handles it itself.
LAZY_FUNCTIONS = {"if": (3, 3)}


def check_pattern(pattern: str) -> str | None:
    """Why a literal regex pattern does not compile, or None when it does."""
    return pattern_problem(pattern)
