"""Error messages for a question: the form's own words first, then clear defaults.

A constraint of a common shape (`. >= 1 and . <= 20`, `. <= today()`,
`string-length(.) <= 200`) gets a default that says what to do; any other constraint needs
its own `constraint_message` (the form checker warns when it has none).
"""

from __future__ import annotations

from decimal import Decimal

from .. import i18n
from .xpath import Expression
from .xpath.parser import Binary, Call, Current, Literal, Negate, Node

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def _number(node: Node) -> float | None:
    if isinstance(node, Literal) and isinstance(node.value, float):
        return node.value
    if isinstance(node, Negate):
        inner = _number(node.operand)
        return -inner if inner is not None else None
    return None


def _is_current(node: Node) -> bool:
    return isinstance(node, Current)


def _is_length(node: Node) -> bool:
    return isinstance(node, Call) and node.name == "string-length" and (
        not node.args or _is_current(node.args[0]))


def _is_today(node: Node) -> bool:
    return isinstance(node, Call) and node.name in ("today", "now") and not node.args


def _bound(node: Node) -> tuple[str, str, Node] | None:
    """(subject kind, operator with the subject on the left, other side) of a comparison."""
    if not isinstance(node, Binary) or node.op not in _FLIP:
        return None
    for subject, other, op in ((node.left, node.right, node.op),
                               (node.right, node.left, _FLIP[node.op])):
        if _is_current(subject):
            return "value", op, other
        if _is_length(subject):
            return "length", op, other
    return None


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def constraint_hint(expression: Expression) -> tuple[str, dict[str, str]] | None:
    """The default message key and parameters for a constraint of a known shape."""
    node = expression.node
    if isinstance(node, Binary) and node.op == "and":
        low, high = _bound(node.left), _bound(node.right)
        if low and high and low[1] in ("<", "<=") and high[1] in (">", ">="):
            low, high = high, low
        if low and high and low[0] == high[0] == "value" and low[1] == ">=" and high[1] == "<=":
            least, most = _number(low[2]), _number(high[2])
            if least is not None and most is not None:
                return "between", {"min": _show(least), "max": _show(most)}
        return None
    found = _bound(node)
    if not found:
        return None
    kind, op, other = found
    if kind == "length":
        count = _number(other)
        if count is None:
            return None
        lengths = {"<=": ("length_at_most", "max"), "<": None, "=": ("length_exactly", "count")}
        if op == "<" and count > 0:
            return "length_at_most", {"max": _show(count - 1)}
        picked = lengths.get(op)
        return (picked[0], {picked[1]: _show(count)}) if picked else None
    if _is_today(other):
        days = {"<=": "past_or_today", "<": "past", ">=": "future_or_today", ">": "future"}
        return (days[op], {}) if op in days else None
    number = _number(other)
    if number is None:
        return None
    keys = {">=": ("at_least", "min"), ">": ("above", "min"), "<=": ("at_most", "max"),
            "<": ("below", "max")}
    if op not in keys:
        return None
    key, param = keys[op]
    return key, {param: _show(number)}


def default_constraint_message(expression: Expression, language: str) -> str:
    hint = constraint_hint(expression)
    if hint is None:
        return i18n.text(language, "validation.constraint.default")
    key, params = hint
    # Numbers, not words: text() writes them as the language does ("entre 0,5 et 1 000") and
    # picks the plural form ("1 caractère").
    numbers = {name: Decimal(value) if "." in value else int(value)
               for name, value in params.items()}
    return i18n.text(language, f"validation.constraint.{key}", **numbers)


def required_message(kind: str, language: str) -> str:
    key = f"validation.required.{kind}"
    if not i18n.has_text("en", key):
        key = "validation.required.default"
    return i18n.text(language, key)


def answer_message(key: str, params: dict[str, object], language: str) -> str:
    return i18n.text(language, f"validation.{key}", **params)
