"""Parse XPath text into a small syntax tree (precedence climbing, XPath 1.0 precedence)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ExpressionError
from .functions import UNSUPPORTED
from .lexer import OPERATOR_NAMES, Token, tokenize


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | float
    source: str = ""  # a number as written ("0.03"), for exact (decimal) arithmetic


@dataclass(frozen=True, slots=True)
class Ref:
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Current:
    position: int


@dataclass(frozen=True, slots=True)
class Column:
    """A bare name: a column of the option being filtered by a choice_filter."""

    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Parent:
    """`..` (levels 1), `../..` (levels 2): only as the argument of position()."""

    levels: int
    position: int


@dataclass(frozen=True, slots=True)
class Filter:
    """A predicate: `${item}[. = 'functional']` keeps the answers for which it is true."""

    base: Node
    predicate: Node
    position: int


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]
    position: int


Node = Literal | Ref | Current | Column | Parent | Filter | Negate | Binary | Call

# Binding power of each binary operator: higher binds tighter.
_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3, "!=": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "div": 6, "mod": 6,
    "|": 8,
}
_UNARY_POWER = 7
PATHS = ("paths such as /data/name, ../name or current()/.. are not supported: "
         "write the question as ${name}")


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def binary_operator(self) -> str | None:
        token = self.token
        if token.kind == "op" and token.text in _PRECEDENCE:
            return token.text
        if token.kind == "name" and token.text in OPERATOR_NAMES:
            return token.text
        return None

    def expression(self, min_power: int = 1) -> Node:
        left = self.operand()
        while (op := self.binary_operator()) is not None and _PRECEDENCE[op] >= min_power:
            self.advance()
            right = self.expression(_PRECEDENCE[op] + 1)
            left = Binary(op, left, right)
        return left

    def operand(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            return Literal(float(token.text), token.text)
        if token.kind == "string":
            return Literal(token.text)
        if token.kind == "ref":
            return self.postfix(Ref(token.text, token.position))
        if token.kind == "dot":
            return self.postfix(Current(token.position))
        if token.kind == "parent":
            return self.postfix(self.parent(token))
        if token.kind == "op" and token.text == "/":
            raise ExpressionError(PATHS, token.position)
        if token.kind == "op" and token.text == "-":
            return Negate(self.expression(_UNARY_POWER))
        if token.kind == "op" and token.text == "(":
            inner = self.expression()
            self.expect(")", "a bracket ( is not closed")
            return self.postfix(inner)
        if token.kind == "name":
            if self.token.kind == "op" and self.token.text == "(":
                return self.postfix(self.call(token))
            if token.text in OPERATOR_NAMES:
                raise ExpressionError(f"'{token.text}' needs something before it", token.position)
            self.no_path()
            return Column(token.text, token.position)
        if token.kind == "end":
            raise ExpressionError("the expression ends too early", token.position)
        raise ExpressionError(f"unexpected '{token.text}'", token.position)

    def parent(self, token: Token) -> Parent:
        levels = 1
        while (self.token.kind == "op" and self.token.text == "/"
               and self.tokens[self.index + 1].kind == "parent"):
            self.index += 2
            levels += 1
        return Parent(levels, token.position)

    def postfix(self, node: Node) -> Node:
        """Predicates after a value (`${item}[. = 'x']`); a path step after one is refused."""
        while self.token.kind == "op" and self.token.text == "[":
            opening = self.advance()
            predicate = self.expression()
            self.expect("]", "a bracket [ is not closed")
            node = Filter(node, predicate, opening.position)
        self.no_path(node)
        return node

    def no_path(self, node: Node | None = None) -> None:
        if self.token.kind == "op" and self.token.text == "/":
            if isinstance(node, Call) and node.name in UNSUPPORTED:  # instance('x')/root/item
                raise ExpressionError(f"{node.name}() is not supported: {UNSUPPORTED[node.name]}",
                                      node.position)
            raise ExpressionError(PATHS, self.token.position)

    def call(self, name: Token) -> Call:
        self.advance()  # (
        args: list[Node] = []
        if not (self.token.kind == "op" and self.token.text == ")"):
            while True:
                args.append(self.expression())
                if self.token.kind == "op" and self.token.text == ",":
                    self.advance()
                    continue
                break
        self.expect(")", f"the brackets of {name.text}( are not closed")
        return Call(name.text, tuple(args), name.position)

    def expect(self, text: str, message: str) -> None:
        if self.token.kind == "op" and self.token.text == text:
            self.advance()
            return
        raise ExpressionError(message, self.token.position)


MAX_DEPTH = 400
MAX_LENGTH = 10_000  # characters: the longest relevant of the samples is 120
TOO_DEEP = ("the expression is nested too deeply; split it over calculate questions "
            f"(at most {MAX_DEPTH} levels)")


def depth(node: Node) -> int:
    """How deep the tree goes, counted without recursion (the tree may be very deep)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, Negate):
            stack.append((current.operand, level + 1))
        elif isinstance(current, Binary):
            stack.extend(((current.left, level + 1), (current.right, level + 1)))
        elif isinstance(current, Call):
            stack.extend((arg, level + 1) for arg in current.args)
        elif isinstance(current, Filter):
            stack.extend(((current.base, level + 1), (current.predicate, level + 1)))
    return deepest


def parse(text: str) -> Node:
    if not text or not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text):,} characters long; at most "
                              f"{MAX_LENGTH:,}: split it over calculate questions")
    parser = _Parser(text)
    try:
        node = parser.expression()
    except RecursionError:
        raise ExpressionError(TOO_DEEP) from None
    if parser.token.kind != "end":
        token = parser.token
        raise ExpressionError(f"unexpected '{token.text}' after a complete expression", token.position)
    if depth(node) > MAX_DEPTH:  # evaluating it would run out of Python's stack
        raise ExpressionError(TOO_DEEP)
    return node
