"""The amount a declaration asks the citizen to pay is worked out exactly (docs/services.md).

The payment's amount question (`settings.payment.amount`) and every calculation it reads,
however indirectly, run in decimal arithmetic (kiosk/forms/xpath/decimals.py): each number is
the decimal typed or written, never a binary float, so 3 % of £56.50 is £1.695. The amount
itself is then rounded half up to the currency's smallest unit (£1.70; whole yen).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .form import Field, Form
from .xpath import Expression
from .xpath.parser import Binary, Call, Filter, Literal, Negate, Node


def exact_fields(form: Form) -> frozenset[str]:
    """The payment amount's question and the calculations it reads, at any depth."""
    payment = form.definition.settings.payment
    return amount_calculations(form.fields, payment.amount) if payment is not None else frozenset()


def amount_calculations(fields: Mapping[str, Field], amount: str) -> frozenset[str]:
    found: set[str] = set()
    waiting = [amount]
    while waiting:
        name = waiting.pop()
        field = fields.get(name)
        if name in found or field is None or field.calculation is None:
            continue
        found.add(name)
        waiting.extend(field.calculation.refs)
    return frozenset(found)


def inexact_factors(expression: Expression) -> list[str]:
    """Numbers an amount is multiplied or divided by that binary floating point cannot hold
    (0.03, 1.175): ODK's result can then be a penny off the kiosk's exact one."""
    found: list[str] = []
    stack: list[Node] = [expression.node]
    while stack:
        node = stack.pop()
        if isinstance(node, Binary):
            if node.op in ("*", "div"):
                for side in (node.left, node.right):
                    if isinstance(side, Literal) and side.source and \
                            Decimal(float(side.source)) != Decimal(side.source):
                        found.append(side.source)
            stack.extend((node.left, node.right))
        elif isinstance(node, Call):
            stack.extend(node.args)
        elif isinstance(node, Negate):
            stack.append(node.operand)
        elif isinstance(node, Filter):
            stack.extend((node.base, node.predicate))
    return found


def minor_digits(currency: str | None) -> int:
    """Decimals of the currency's smallest unit: 2 for GBP and EUR, 0 for JPY; 2 without one."""
    if not currency:
        return 2
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


def round_amount(value: Any, currency: str | None) -> Any:
    """An amount to pay rounded half up to the currency's smallest unit, from its decimal
    value (1.695 is 1.70, never 1.69 from 1.6949999999999998); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return value
    exact = value if isinstance(value, Decimal) else Decimal(repr(value)) \
        if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_UP)
