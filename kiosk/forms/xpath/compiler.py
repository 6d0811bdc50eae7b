"""Turn a syntax tree into nested Python closures: no eval, and fast enough to run every
relevance rule of a 300-question form on each Continue."""

from __future__ import annotations

import copy
import math
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypedDict, Unpack

from . import decimals
from .errors import ExpressionError
from .functions import (
    ENCODINGS,
    FUNCTIONS,
    LAZY_FUNCTIONS,
    UNSUPPORTED,
    check_pattern,
    digest_algorithm,
)
from .parser import (
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
    parse,
)
from .values import NAN, Nodeset, compare, is_empty, to_boolean, to_number, to_string

Evaluator = Callable[["EvalContext"], object]


class EvalContext:
    """What an expression can see. The session subclasses it; tests use it as it is."""

    exact = False  # decimal arithmetic, for the amount to pay (kiosk/forms/money.py)
    position = 1  # inside a predicate, the place of the answer being tested (position())

    def __init__(self, values: Mapping[str, object] | None = None, current: object = "",
                 column_values: Mapping[str, object] | None = None, today: date | None = None,
                 now: datetime | None = None):
        self.values = values or {}
        self.current = current
        self.column_values = column_values or {}
        self._now = now or datetime.now().astimezone()
        self._today = today or self._now.date()

    # Properties, so the session can read its clock only when today() or now() asks.
    @property
    def now(self) -> datetime:
        return self._now

    @property
    def today(self) -> date:
        return self._today

    def value(self, name: str) -> object:
        return self.values.get(name, "")

    def column(self, name: str) -> object:
        return self.column_values.get(name, "")

    def ancestor_position(self, levels: int) -> float:
        """position(..) (levels 1): the place of the repeat item the question is in; 1
        outside repeats. The session knows the form; here there are no repeats."""
        return 1.0

    def indexed(self, name: str, repeat: str, index: int) -> object:
        """indexed-repeat(${name}, ${repeat}, index): the answer in item `index` (from 1)."""
        found = self.value(name)
        items = found if isinstance(found, Nodeset) else (found,)
        return items[index - 1] if 0 < index <= len(items) else ""

    def choice_label(self, question: str, value: str) -> str:
        """jr:choice-name(): the label of an option of the question, in the visit's language."""
        return ""

    def within(self, current: object, position: int) -> EvalContext:
        """The same view, from one answer of a predicate's nodeset (`.` and position())."""
        inner = copy.copy(self)
        inner.current, inner.position = current, position
        return inner


class _ContextArgs(TypedDict, total=False):
    values: Mapping[str, object]
    current: object
    column_values: Mapping[str, object]
    today: date
    now: datetime


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return NAN
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def _modulo(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return NAN
    return math.fmod(a, b)


def _add(a: float, b: float) -> float:
    return a + b


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": _add,
    "-": operator.sub,
    "*": operator.mul,
    "div": _divide,
    "mod": _modulo,
}


def _arithmetic(fn: Callable[[float, float], float], a: object, b: object) -> float:
    try:
        return fn(to_number(a), to_number(b))
    except (OverflowError, ValueError):
        return NAN


def _compile(node: Node) -> Evaluator:
    if isinstance(node, Literal):
        value = node.value
        if node.source:  # a number: exactly as written when the arithmetic is exact
            written = decimals.to_decimal(node.source)
            return lambda ctx: written if ctx.exact else value
        return lambda ctx: value
    if isinstance(node, Ref):
        name = node.name
        exactly = decimals.exactly
        return lambda ctx: exactly(ctx.value(name)) if ctx.exact else ctx.value(name)
    if isinstance(node, Current):
        return lambda ctx: ctx.current
    if isinstance(node, Column):
        name = node.name
        return lambda ctx: ctx.column(name)
    if isinstance(node, Negate):
        inner = _compile(node.operand)
        return lambda ctx: (-decimals.to_decimal(inner(ctx)) if ctx.exact
                            else -to_number(inner(ctx)))
    if isinstance(node, Parent):
        raise ExpressionError("'..' is supported only as position(..), the place of the "
                              "repeat item: write other answers as ${name}", node.position)
    if isinstance(node, Filter):
        return _compile_filter(node)
    if isinstance(node, Binary):
        return _compile_binary(node)
    if isinstance(node, Call):
        return _compile_call(node)
    raise ExpressionError(f"unsupported expression part {node!r}")


def _compile_binary(node: Binary) -> Evaluator:
    left, right, op = _compile(node.left), _compile(node.right), node.op
    if op == "or":
        return lambda ctx: to_boolean(left(ctx)) or to_boolean(right(ctx))
    if op == "and":
        return lambda ctx: to_boolean(left(ctx)) and to_boolean(right(ctx))
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return lambda ctx: compare(op, left(ctx), right(ctx))
    if op == "|":
        raise ExpressionError("the union operator | is not supported")
    fn = _ARITHMETIC[op]
    exact = decimals.arithmetic
    return lambda ctx: (exact(op, left(ctx), right(ctx)) if ctx.exact
                        else _arithmetic(fn, left(ctx), right(ctx)))


def _compile_filter(node: Filter) -> Evaluator:
    """`${item}[. = 'functional']`: the answers for which the predicate is true; a number as
    predicate keeps the answer at that place (`${item}[2]`), as XPath does."""
    base, predicate = _compile(node.base), _compile(node.predicate)

    def keep(ctx: EvalContext) -> Nodeset:
        found = base(ctx)
        items = found if isinstance(found, Nodeset) else (found,)
        kept = []
        for place, item in enumerate(items, start=1):
            verdict = predicate(ctx.within(item, place))
            if isinstance(verdict, bool) or not isinstance(verdict, int | float):
                wanted = to_boolean(verdict)
            else:
                wanted = to_number(verdict) == place
            if wanted:
                kept.append(item)
        return Nodeset(kept)

    return keep


def _compile_position(node: Call) -> Evaluator:
    """position(..): the place of the question's repeat item (from 1); position() inside a
    predicate: the place of the answer tested. As JavaRosa: 1 where there is no repeat."""
    if not node.args:
        return lambda ctx: float(ctx.position)
    (target,) = node.args
    if isinstance(target, Parent):
        levels = target.levels
        return lambda ctx: ctx.ancestor_position(levels)
    if isinstance(target, Current):
        return lambda ctx: 1.0  # the question itself is never repeated on its own
    raise ExpressionError("position() takes .. (the place of the repeat item the question "
                          "is in) or nothing", node.position)


def _compile_indexed_repeat(node: Call) -> Evaluator:
    if len(node.args) > 3 and len(node.args) % 2 == 1:
        raise ExpressionError("indexed-repeat() with more than one repeat is not supported: "
                              "the kiosk has no repeat inside a repeat", node.position)
    target, repeat = node.args[0], node.args[1]
    if not isinstance(target, Ref) or not isinstance(repeat, Ref):
        raise ExpressionError("indexed-repeat() takes a question, its repeat and a number: "
                              "indexed-repeat(${name}, ${repeat}, 1)", node.position)
    name, repeat_name, index = target.name, repeat.name, _compile(node.args[2])

    def indexed(ctx: EvalContext) -> object:
        number = to_number(index(ctx))
        # JavaRosa reads the index as a whole number, and 0 or less as 1.
        place = 1 if math.isnan(number) or number < 1 else int(min(number, 1e9))
        found = ctx.indexed(name, repeat_name, place)
        return decimals.exactly(found) if ctx.exact else found

    return indexed


def choice_name_question(node: Call) -> str:
    """The question named by jr:choice-name()'s second value, '${name}' (or a path ending in
    /name), which must be written as text: ODK reads it as a path, not as an answer."""
    written = node.args[1] if len(node.args) == 2 else None
    text = written.value if isinstance(written, Literal) else None
    if isinstance(text, str):
        text = text.strip()
        if text.startswith("${") and text.endswith("}"):
            return text[2:-1].strip()
        if text.startswith("/"):
            return text.rsplit("/", 1)[-1]
    raise ExpressionError("jr:choice-name() takes an answer and the question's name in "
                          "quotes: jr:choice-name(${colour}, '${colour}')", node.position)


def _compile_choice_name(node: Call) -> Evaluator:
    question, value = choice_name_question(node), _compile(node.args[0])
    return lambda ctx: ctx.choice_label(question, to_string(value(ctx)))


def _compile_once(node: Call) -> Evaluator:
    """once(x): x when the question has no value yet, else the value it has (ODK: a value
    worked out once, such as once(uuid()), that later changes do not redo)."""
    inner = _compile(node.args[0])
    return lambda ctx: inner(ctx) if is_empty(ctx.current) else ctx.current


_SPECIAL: dict[str, tuple[Callable[[Call], Evaluator], int, int | None]] = {
    "position": (_compile_position, 0, 1),
    "indexed-repeat": (_compile_indexed_repeat, 3, 11),
    "jr:choice-name": (_compile_choice_name, 2, 2),
    "once": (_compile_once, 1, 1),
}


def _check_digest(node: Call) -> None:
    algorithm = node.args[1] if len(node.args) > 1 else None
    if isinstance(algorithm, Literal) and digest_algorithm(str(algorithm.value)) is None:
        raise ExpressionError(f"digest() has no algorithm called {algorithm.value!r}: use "
                              "'MD5', 'SHA-1', 'SHA-256', 'SHA-384' or 'SHA-512'", node.position)
    encoding = node.args[2] if len(node.args) > 2 else None
    if isinstance(encoding, Literal) and str(encoding.value).lower() not in ENCODINGS:
        raise ExpressionError(f"digest() has no encoding called {encoding.value!r}: use "
                              "'base64' or 'hex'", node.position)


def _compile_call(node: Call) -> Evaluator:
    name, count = node.name, len(node.args)
    if name in _SPECIAL:
        build, low, high = _SPECIAL[name]
        _check_arity(node, low, high)
        return build(node)
    if name in LAZY_FUNCTIONS:
        _check_arity(node, *LAZY_FUNCTIONS[name])
        condition, when_true, when_false = (_compile(arg) for arg in node.args)
        return lambda ctx: when_true(ctx) if to_boolean(condition(ctx)) else when_false(ctx)
    function = FUNCTIONS.get(name)
    if function is None and name in UNSUPPORTED:
        raise ExpressionError(f"{name}() is not supported: {UNSUPPORTED[name]}", node.position)
    if function is None:
        raise ExpressionError(f"there is no function called {name}()", node.position)
    _check_arity(node, function.min_args, function.max_args)
    if name == "digest":
        _check_digest(node)
    if name == "regex" and isinstance(node.args[1], Literal):
        problem = check_pattern(str(node.args[1].value))
        if problem:
            raise ExpressionError(f"the pattern in regex() does not work: {problem}", node.position)
    impl = function.impl
    args = tuple(_compile(arg) for arg in node.args)
    if count == 0:
        return lambda ctx: impl(ctx)
    if count == 1:
        (only,) = args
        return lambda ctx: impl(ctx, only(ctx))
    if count == 2:
        first, second = args
        return lambda ctx: impl(ctx, first(ctx), second(ctx))
    return lambda ctx: impl(ctx, *(arg(ctx) for arg in args))


def _check_arity(node: Call, low: int, high: int | None) -> None:
    count = len(node.args)
    if count < low or (high is not None and count > high):
        if high is None:
            wanted = f"at least {low}"
        elif low == high:
            wanted = str(low)
        else:
            wanted = f"{low} to {high}"
        noun = "value" if wanted == "1" else "values"
        raise ExpressionError(
            f"{node.name}() takes {wanted} {noun}, not {count}", node.position
        )


def _walk(node: Node, predicates: bool = True) -> Iterator[Node]:
    """Every node; without what is inside predicates when `predicates` is False (there `.` is
    the answer tested, not the question's own)."""
    yield node
    if isinstance(node, Negate):
        yield from _walk(node.operand, predicates)
    elif isinstance(node, Binary):
        yield from _walk(node.left, predicates)
        yield from _walk(node.right, predicates)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _walk(arg, predicates)
    elif isinstance(node, Filter):
        yield from _walk(node.base, predicates)
        if predicates:
            yield from _walk(node.predicate, predicates)


def _refs(nodes: list[Node]) -> frozenset[str]:
    """The questions an expression reads: ${name}, and the question jr:choice-name() names."""
    names = {n.name for n in nodes if isinstance(n, Ref)}
    names.update(choice_name_question(n) for n in nodes
                 if isinstance(n, Call) and n.name == "jr:choice-name")
    return frozenset(names)


@dataclass(frozen=True)
class Expression:
    """A compiled expression, with the names it reads so the form checker can verify them."""

    text: str
    node: Node
    refs: frozenset[str]
    columns: frozenset[str]
    uses_current: bool
    uses_today: bool
    _evaluate: Evaluator = field(repr=False, compare=False)
    patterns: tuple[str, ...] = ()  # the regex() patterns written out, for forms check
    indexed_repeats: tuple[tuple[str, str], ...] = ()  # indexed-repeat()'s (question, repeat)
    choice_names: tuple[str, ...] = ()  # the questions jr:choice-name() names


    def evaluate(self, ctx: EvalContext) -> object:
        return self._evaluate(ctx)

    def is_true(self, ctx: EvalContext) -> bool:
        return to_boolean(self._evaluate(ctx))


def compile_expression(text: str) -> Expression:
    node = parse(text)
    evaluate = _compile(node)
    nodes = list(_walk(node))
    own = list(_walk(node, predicates=False))
    return Expression(
        text=text,
        node=node,
        refs=_refs(nodes),
        columns=frozenset(n.name for n in nodes if isinstance(n, Column)),
        uses_current=any(isinstance(n, Current) for n in own)
        or any(isinstance(n, Call) and n.name == "string-length" and not n.args for n in nodes),
        uses_today=any(isinstance(n, Call) and n.name in ("today", "now") for n in nodes),
        _evaluate=evaluate,
        patterns=tuple(str(n.args[1].value) for n in nodes if isinstance(n, Call)
                       and n.name == "regex" and isinstance(n.args[1], Literal)),
        indexed_repeats=tuple((n.args[0].name, n.args[1].name) for n in nodes
                              if isinstance(n, Call) and n.name == "indexed-repeat"
                              and isinstance(n.args[0], Ref) and isinstance(n.args[1], Ref)),
        choice_names=tuple(choice_name_question(n) for n in nodes
                           if isinstance(n, Call) and n.name == "jr:choice-name"),
    )


def evaluate(text: str, **context: Unpack[_ContextArgs]) -> object:
    """Evaluate once, for tests and the command line: evaluate("1 + ${a}", values={"a": 2})."""
    return compile_expression(text).evaluate(EvalContext(**context))


__all__ = ["EvalContext", "Expression", "compile_expression", "evaluate"]
