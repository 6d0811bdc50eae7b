"""How long a value an expression can make, worked out from the form alone when it loads.

Thirty-one calculations, each `concat(${previous}, ${previous})`, reach 4 GB of text: every
answer is short, but each calculation doubles the one before. The loader asks here for the
longest text each expression can make, from the longest answer each question takes (its
`max_length`, its options) and the calculations before it, and refuses a form where one can
pass MAX_TEXT characters or all its calculated values together MAX_CALCULATED. The
functions themselves refuse to build a longer text (kiosk.forms.xpath.functions), in case this
count ever misses a way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .answers import SIGNATURE_LIMIT
from .form import Field
from .limits import MAX_REPEAT_ITEMS
from .model import Choice, LocalText
from .xpath import Expression
from .xpath.functions import MAX_UUID
from .xpath.parser import (
    Binary,
    Call,
    Column,
    Current,
    Filter,
    Literal,
    Negate,
    Node,
    Parent,
    Ref,
)
from .xpath.values import MAX_TEXT, to_string

MAX_CALCULATED = 1_000_000  # characters, every calculated value of a visit together
NUMBER = 330  # a number as text: XPath writes 1e308 with all its digits
SHORT = 5  # true, false
_FIXED = {"date": 10, "time": 5, "acknowledge": 5, "integer": NUMBER, "decimal": NUMBER,
          "signature": SIGNATURE_LIMIT, "note": 0, "group": 0}
_FIRST_ARGUMENT = {"substr", "normalize-space", "string", "selected-at"}
_SHORT_FUNCTIONS = {"boolean", "not", "true", "false", "selected", "contains", "starts-with",
                    "ends-with", "regex", "boolean-from-string"}
_NUMBER_FUNCTIONS = {"string-length", "count", "count-selected", "int", "number", "round",
                     "sum", "max", "min", "abs", "floor", "ceiling", "pow", "decimal-date-time",
                     "position", "count-non-empty", "sqrt", "exp", "exp10", "log", "log10",
                     "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "pi"}
_DIGEST = 128  # SHA-512 in hex


@dataclass(frozen=True)
class Size:
    """The longest text of one value, and how many values (a repeat's answers seen from
    outside it are up to MAX_REPEAT_ITEMS, which concat() and join() write out one by one)."""

    text: int
    count: int = 1

    @property
    def spread(self) -> int:
        return self.text * self.count


def _text_length(text: LocalText | None) -> int:
    if text is None:
        return 0
    return max((len(value) for value in text.values()), default=0) if isinstance(text, dict) \
        else len(text)


class ValueSizes:
    """The longest answer of each question, calculations included, in calculation order."""

    def __init__(self, fields: Mapping[str, Field], choices: Mapping[str, list[Choice]]):
        self.fields, self.choices = fields, choices
        self.calculated: dict[str, int] = {}

    def answer(self, field: Field) -> int:
        if field.name in self.calculated:
            return self.calculated[field.name]
        if field.type == "repeat":  # an item's text: its answers one after another
            return sum(self.calculated.get(f.name, 0) if f.calculation is not None
                       else self.answer(f) for f in field.walk() if f is not field and f.has_value)
        if field.type in _FIXED:
            return _FIXED[field.type]
        options = self.choices.get(field.spec.choices or "", [])
        if field.type == "select_one":
            return max((len(option.name) for option in options), default=0)
        if field.type == "select_multiple":
            return sum(len(option.name) + 1 for option in options)
        return field.max_length or MAX_TEXT  # text, id_number, phone, email; calculate: later

    def calculation(self, field: Field, expression: Expression) -> int:
        """The longest text the field's calculation makes while it is worked out; the longest
        value it keeps is remembered for the calculations that read it."""
        made = self.of(expression, field)
        kept = _FIXED[field.type] if field.type in ("integer", "decimal", "date") else made.text
        self.calculated[field.name] = min(kept, made.text)
        return made.text

    def of(self, expression: Expression, field: Field | None) -> Size:
        """The value the expression makes, with `text` the longest it or any part of it can be
        while it is worked out. Without recursion: an expression may be 400 levels deep."""
        sizes: dict[int, Size] = {}  # id() of each node worked out
        biggest = 0
        stack: list[tuple[Node, bool]] = [(expression.node, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                stack.append((node, True))
                stack.extend((child, False) for child in _children(node))
                continue
            found = self._node(node, field, [sizes[id(child)] for child in _children(node)])
            sizes[id(node)] = found
            biggest = max(biggest, found.text)
        result = sizes[id(expression.node)]
        return Size(biggest, result.count)

    def _node(self, node: Node, field: Field | None, args: list[Size]) -> Size:
        if isinstance(node, Literal):
            return Size(len(to_string(node.value)))
        if isinstance(node, Ref):
            target = self.fields.get(node.name)
            if target is None:
                return Size(0)
            spread = target.repeat is not None and (field is None or field.repeat is not target.repeat)
            return Size(self.answer(target), MAX_REPEAT_ITEMS if spread else 1)
        if isinstance(node, Current):
            return Size(self.answer(field) if field is not None else 0)
        if isinstance(node, Column):
            return Size(self._column(field))
        if isinstance(node, Parent):
            return Size(0)
        if isinstance(node, Filter):
            return args[0]  # some of the base's values
        if isinstance(node, Call) and node.name == "indexed-repeat":
            return Size(args[0].text)  # one of the question's answers
        if isinstance(node, Call) and node.name == "jr:choice-name":
            return Size(max((_text_length(option.label) for options in self.choices.values()
                             for option in options), default=0))
        if isinstance(node, Negate):
            return Size(NUMBER)
        if isinstance(node, Binary):
            return Size(SHORT if node.op in ("or", "and", "=", "!=", "<", "<=", ">", ">=")
                        else NUMBER)
        assert isinstance(node, Call)
        return _call(node.name, args)

    def _column(self, field: Field | None) -> int:
        """The longest value of a choice list's columns, for a choice_filter's bare names."""
        options = self.choices.get(field.spec.choices or "", []) if field is not None else []
        longest = 0
        for option in options:
            extra = [len(str(value)) for value in (option.model_extra or {}).values()]
            longest = max(longest, len(option.name), _text_length(option.label), *extra)
        return longest


def _children(node: Node) -> list[Node]:
    if isinstance(node, Negate):
        return [node.operand]
    if isinstance(node, Binary):
        return [node.left, node.right]
    if isinstance(node, Call):
        return list(node.args)
    if isinstance(node, Filter):
        return [node.base, node.predicate]
    return []


def _call(name: str, args: list[Size]) -> Size:
    if name == "concat":
        return Size(sum(arg.spread for arg in args))
    if name == "join":
        separator, items = (args[0], args[1:]) if args else (Size(0), [])
        return Size(sum(item.spread for item in items)
                    + separator.text * sum(item.count for item in items))
    if name == "once":
        return args[0]
    if name == "uuid":
        return Size(MAX_UUID if args else 36)
    if name == "digest":
        return Size(_DIGEST)
    if name in ("substring-before", "substring-after", "translate"):
        return Size(args[0].text if args else 0)
    if name in ("if", "coalesce"):
        branches = args[1:] if name == "if" else args
        return Size(max((arg.text for arg in branches), default=0),
                    max((arg.count for arg in branches), default=1))
    if name in _FIRST_ARGUMENT:
        return Size(args[0].text if args else 0)
    if name == "format-date":
        return Size(2 * args[1].text if len(args) > 1 else 0)  # %Y is 2 characters for 4
    if name in ("today", "now"):
        return Size(32)
    if name == "date":
        return Size(10)
    if name in _SHORT_FUNCTIONS:
        return Size(SHORT)
    if name in _NUMBER_FUNCTIONS:
        return Size(NUMBER)
    return Size(sum(arg.spread for arg in args))  # a function not listed here: the most it can
