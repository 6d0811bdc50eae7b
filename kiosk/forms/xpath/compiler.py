"""Turn a syntax tree into nested Python closures: no eval, and fast enough to run every
relevance rule of a 300-question form on each Continue."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypedDict, Unpack

from .errors import ExpressionError
from .functions import FUNCTIONS, LAZY_FUNCTIONS, check_pattern
from .parser import Binary, Call, Column, Current, Literal, Negate, Node, Ref, parse
from .values import NAN, compare, to_boolean, to_number

Evaluator = Callable[["EvalContext"], object]


class EvalContext:
    """What an expression can see. The session subclasses it; tests use it as it is."""

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
        return lambda ctx: value
    if isinstance(node, Ref):
        name = node.name
        return lambda ctx: ctx.value(name)
    if isinstance(node, Current):
        return lambda ctx: ctx.current
    if isinstance(node, Column):
        name = node.name
        return lambda ctx: ctx.column(name)
    if isinstance(node, Negate):
        inner = _compile(node.operand)
        return lambda ctx: -to_number(inner(ctx))
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
    return lambda ctx: _arithmetic(fn, left(ctx), right(ctx))


def _compile_call(node: Call) -> Evaluator:
    name, count = node.name, len(node.args)
    if name in LAZY_FUNCTIONS:
        _check_arity(node, *LAZY_FUNCTIONS[name])
        condition, when_true, when_false = (_compile(arg) for arg in node.args)
        return lambda ctx: when_true(ctx) if to_boolean(condition(ctx)) else when_false(ctx)
    function = FUNCTIONS.get(name)
    if function is None:
        raise ExpressionError(f"there is no function called {name}()", node.position)
    _check_arity(node, function.min_args, function.max_args)
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


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Negate):
        yield from _walk(node.operand)
    elif isinstance(node, Binary):
        yield from _walk(node.left)
        yield from _walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _walk(arg)


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


    def evaluate(self, ctx: EvalContext) -> object:
        return self._evaluate(ctx)

    def is_true(self, ctx: EvalContext) -> bool:
        return to_boolean(self._evaluate(ctx))


def compile_expression(text: str) -> Expression:
    node = parse(text)
    evaluate = _compile(node)
    nodes = list(_walk(node))
    return Expression(
        text=text,
        node=node,
        refs=frozenset(n.name for n in nodes if isinstance(n, Ref)),
        columns=frozenset(n.name for n in nodes if isinstance(n, Column)),
        uses_current=any(isinstance(n, Current) for n in nodes)
        or any(isinstance(n, Call) and n.name == "string-length" and not n.args for n in nodes),
        uses_today=any(isinstance(n, Call) and n.name in ("today", "now") for n in nodes),
        _evaluate=evaluate,
        patterns=tuple(str(n.args[1].value) for n in nodes if isinstance(n, Call)
                       and n.name == "regex" and isinstance(n.args[1], Literal)),
    )


def evaluate(text: str, **context: Unpack[_ContextArgs]) -> object:
    """Evaluate once, for tests and the command line: evaluate("1 + ${a}", values={"a": 2})."""
    return compile_expression(text).evaluate(EvalContext(**context))


__all__ = ["EvalContext", "Expression", "compile_expression", "evaluate"]
