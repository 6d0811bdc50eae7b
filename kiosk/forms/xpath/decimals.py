"""Exact (decimal) arithmetic, for the amount a declaration asks the citizen to pay.

ODK computes in binary floating point, where 56.50 * 0.03 is 1.6949999999999998 and rounds to
1.69. The kiosk works out the payment amount, and every calculation it reads, with these
rules instead (kiosk/forms/money.py says which): each number is the decimal it was written
or typed as, and + - * div mod and round() are exact, so 3 % of 56.50 is 1.695 and 1.70.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Context, Decimal

from .values import Nodeset, is_number_text, to_number

# Far more digits than any amount needs; no trap, so 0 div 0 is NaN as in XPath.
CONTEXT = Context(prec=50, traps=[])
_NAN = Decimal("NaN")


def to_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # The shortest text that reads back as this double: the decimal the citizen typed
        # (any number of at most 15 significant digits comes back exactly).
        return Decimal(repr(value)) if math.isfinite(value) else Decimal(str(value))
    if isinstance(value, str):
        if is_number_text(value):  # '56.50' as written, not as a double
            return Decimal(value.strip(" \t\r\n"))
        return to_decimal(to_number(value))  # a date's days, or NaN
    if isinstance(value, Nodeset):
        return to_decimal(value[0]) if value else _NAN
    if isinstance(value, date):
        return to_decimal(to_number(value))
    return to_decimal(to_number(value))


def exactly(value: object) -> object:
    """An answer as exact arithmetic reads it: numbers become decimals, the rest is kept."""
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, Nodeset):
        return Nodeset(exactly(item) for item in value)
    return value


def arithmetic(op: str, left: object, right: object) -> object:
    a, b = to_decimal(left), to_decimal(right)
    if op == "+":
        return CONTEXT.add(a, b)
    if op == "-":
        return CONTEXT.subtract(a, b)
    if op == "*":
        return CONTEXT.multiply(a, b)
    if a.is_nan() or b.is_nan():
        return math.nan
    if op == "div":
        if b == 0:  # as in binary floating point: NaN, or an infinity with the signs' sign
            return math.nan if a == 0 else math.copysign(math.inf, float(a)) * math.copysign(
                1, float(b))
        return CONTEXT.divide(a, b)
    if b == 0 or a.is_infinite():
        return math.nan
    return CONTEXT.remainder(a, b)  # the sign of the dividend, as XPath's mod
