"""Tokens of ODK/XLSForm XPath: ${refs}, '.', literals, operators, names and function calls."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ExpressionError

# Operator names (and, or, div, mod) are only operators after an operand, as XPath 1.0 says.
OPERATOR_NAMES = {"and", "or", "div", "mod"}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<ref>\$\{(?P<refname>[^}]*)\})
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,|\||\[|\]|/)
  | (?P<parent>\.\.)
  | (?P<dot>\.(?!\.))
  | (?P<name>[A-Za-z_][A-Za-z0-9_.:-]*)
    """,
    re.VERBOSE,
)
_REF_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ref, number, string, op, dot, parent (..), name, end
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            char = text[position]
            if char in "'\"":
                raise ExpressionError("a quoted text is not closed", position)
            if text.startswith("${", position):
                raise ExpressionError("a ${name} reference is not closed with }", position)
            if char in "\u2018\u2019\u201c\u201d":  # a word processor's quotes
                raise ExpressionError(f"{char} is a curly quote: quote texts with ' or \"",
                                      position)
            raise ExpressionError(f"unexpected character {char!r}", position)
        kind = match.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
        if kind == "refname":  # lastgroup names the innermost group
            kind = "ref"
        if kind != "ws":
            token_text = match.group(kind)
            if kind == "ref":
                token_text = match.group("refname").strip()
                if not _REF_NAME.match(token_text):
                    raise ExpressionError(f"${{{token_text}}} is not a question name", position)
            elif kind == "string":
                token_text = token_text[1:-1]
            elif kind == "name" and token_text.endswith(("-", ".")):
                # "a-" followed by something: the trailing hyphen is the minus operator.
                trimmed = token_text.rstrip("-.")
                tokens.append(Token(kind, trimmed, position))
                position += len(trimmed)
                continue
            tokens.append(Token(kind, token_text, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens
