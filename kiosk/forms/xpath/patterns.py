"""regex() patterns: run by RE2, whose time grows in step with the text whatever the pattern.

A backtracking engine (Python's `re`, Java's in ODK Collect) can take exponential time:
`^(a+)+$` on 37 a's and a "!" did not finish in 200 s, with a citizen's answers on the screen.
RE2 refuses what it cannot run in linear time (back-references, look-arounds), so such a pattern
is a form error. `backtracks` finds the patterns that would be slow in engines that backtrack,
for `kiosk forms check` to warn about: the same form may be filled in elsewhere.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol, cast

import re2

# RE2's memory for one compiled pattern (its default is 8 MiB); a form's patterns are short.
_MAX_MEMORY = 2 << 20
_ANY = None  # a set of characters too wide to list: overlaps everything
# Longer patterns get no advice: the check's work grows with the cube of the nesting.
_LONGEST_CHECKED = 1_000


class Pattern(Protocol):
    def search(self, text: str) -> object: ...


def _options() -> Any:
    options = re2.Options()
    options.max_mem = _MAX_MEMORY
    options.log_errors = False  # RE2 would write every refused pattern to stderr
    return options


@lru_cache(maxsize=128)
def compiled(pattern: str) -> Pattern | None:
    """The pattern compiled by RE2, or None when RE2 refuses it."""
    try:
        return cast(Pattern, re2.compile(pattern, options=_options()))
    except re2.error:
        return None


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 refuses a pattern, in words for a form author; None when it compiles."""
    try:
        re2.compile(pattern, options=_options())
    except re2.error as error:
        reason = error.args[0] if error.args else error
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        return (f"{text} (the kiosk runs patterns in linear time, so it has no back-references "
                "and no look-ahead or look-behind)")
    return None


def matches(pattern: str, text: str) -> bool:
    found = compiled(pattern)
    return found is not None and found.search(text) is not None


# -- which patterns backtrack ------------------------------------------------------------------

_parser: Any = importlib.import_module("re._parser")  # the standard library's own regex parser
_constants: Any = importlib.import_module("re._constants")
_REPEATS = {_constants.MAX_REPEAT, _constants.MIN_REPEAT,
            getattr(_constants, "POSSESSIVE_REPEAT", _constants.MAX_REPEAT)}
_CATEGORY_CHARS = {
    _constants.CATEGORY_DIGIT: frozenset(range(ord("0"), ord("9") + 1)),
    _constants.CATEGORY_SPACE: frozenset(map(ord, " \t\n\r\f\v")),
    _constants.CATEGORY_WORD: frozenset(
        [*range(ord("0"), ord("9") + 1), *range(ord("A"), ord("Z") + 1),
         *range(ord("a"), ord("z") + 1), ord("_")]),
}
Chars = frozenset[int] | None  # None: any character


def backtracks(pattern: str) -> bool:
    """True when a backtracking engine can take exponential time on this pattern: a repeat
    whose body has a variable part that can take the characters the next round starts with,
    as in `(a+)+`, `(\\w+\\s?)*` or `(.*x){20}`."""
    if len(pattern) > _LONGEST_CHECKED:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            tree = _parser.parse(pattern)
        return any(_ambiguous_repeat(op, av) for op, av in _nodes(list(tree)))
    except RecursionError:  # hundreds of groups inside each other: no advice
        return False
    except Exception:  # noqa: BLE001 - RE2 syntax Python's parser does not know (\pL): no advice
        return False


def _nodes(sequence: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    """Every node of a parsed pattern, at every depth."""
    for op, av in sequence:
        yield op, av
        for inner in _children(op, av):
            yield from _nodes(inner)


def _children(op: Any, av: Any) -> list[Any]:
    if op in _REPEATS:
        return [av[2]]
    if op == _constants.SUBPATTERN:
        return [av[3]]
    if op == _constants.BRANCH:
        return list(av[1])
    if op == _constants.ATOMIC_GROUP:
        return [av]
    return []


def _ambiguous_repeat(op: Any, av: Any) -> bool:
    # A possessive repeat never gives characters back, so it never backtracks.
    if op not in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) or av[1] < 2:
        return False
    body = list(av[2])
    first = _first(body)
    return any(_overlap(first, _chars(node)) for node in _variable_parts(body))


def _variable_parts(sequence: list[Any]) -> Iterator[tuple[Any, Any]]:
    """The parts of a repeat's body that can match more or fewer characters."""
    for op, av in _nodes(sequence):
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and av[0] != av[1]:
            yield op, av
        elif op == _constants.BRANCH and any(not alternative for alternative in av[1]):
            yield op, av  # (a|aa) is parsed as a(|a): an optional part


def _first(sequence: list[Any]) -> Chars:
    """The characters a match of the sequence can start with."""
    found: set[int] = set()
    for op, av in sequence:
        chars = _first_of(op, av)
        if chars is _ANY:
            return _ANY
        found |= chars
        if not _can_be_empty(op, av):
            break
    return frozenset(found)


def _first_of(op: Any, av: Any) -> Chars:
    if op in _REPEATS:
        return _first(list(av[2]))
    if op == _constants.SUBPATTERN:
        return _first(list(av[3]))
    if op == _constants.BRANCH:
        return _union(_first(list(alternative)) for alternative in av[1])
    if op == _constants.AT:
        return frozenset()
    return _chars((op, av))


def _can_be_empty(op: Any, av: Any) -> bool:
    if op in _REPEATS:
        return bool(av[0] == 0) or all(_can_be_empty(*node) for node in av[2])
    if op == _constants.SUBPATTERN:
        return all(_can_be_empty(*node) for node in av[3])
    if op == _constants.BRANCH:
        return any(all(_can_be_empty(*node) for node in alt) for alt in av[1])
    return bool(op == _constants.AT)


def _chars(node: tuple[Any, Any]) -> Chars:
    """Every character the node can match, or None for too many to list."""
    op, av = node
    if op == _constants.LITERAL:
        return frozenset([av])
    if op == _constants.IN:
        return _union(_chars(item) for item in av)
    if op == _constants.RANGE:
        low, high = av
        return frozenset(range(low, high + 1)) if high - low < 4096 else _ANY
    if op == _constants.CATEGORY:
        return _CATEGORY_CHARS.get(av, _ANY)
    if op == _constants.AT:
        return frozenset()
    inner = _children(op, av)
    if inner:
        return _union(_chars(child) for sequence in inner for child in sequence)
    return _ANY  # any character, a negated set, a back-reference: anything


def _union(parts: Iterable[Chars]) -> Chars:
    found: set[int] = set()
    for part in parts:
        if part is _ANY:
            return _ANY
        found |= part
    return frozenset(found)


def _overlap(first: Chars, chars: Chars) -> bool:
    return first is _ANY or chars is _ANY or bool(first & chars)
