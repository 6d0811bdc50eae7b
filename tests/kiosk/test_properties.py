"""Property tests: the evaluator and the answer parser never fail in an unplanned way.

(a) any expression text either raises ExpressionError when compiled or, once compiled, evaluates
    against any typed answers without raising anything;
(b) parse_answer() of any raw entry returns a value or raises AnswerError, for every type;
(c) numbers survive a trip through the evaluator.

Counterexamples that the properties find today are pinned with @example (so the result does not
depend on luck) and the affected tests are xfail(strict=True). The evaluator's crashes are also
rows of KNOWN_CRASHES, so that each fix shows up on its own; when all are fixed, the property
itself XPASSes and its xfail mark must go.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.forms.answers import AnswerError, parse_answer
from kiosk.forms.xpath import (
    EvalContext,
    ExpressionError,
    Nodeset,
    compile_expression,
    evaluate,
    to_number,
)

PROPERTY = settings(
    max_examples=250,
    deadline=None,
    database=None,  # leave no .hypothesis folder behind
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- (a) expressions ---------------------------------------------------------------------------

REFS = ["a", "b", "c", "rep"]
COLUMNS = ["region", "min_age"]
# docs/forms.md's functions with the numbers of arguments the ODK spec gives them, format-date and
# decimal-date-time (implemented, not documented), and names that are not functions.
ARITIES = {
    "selected": (2, 2), "count-selected": (1, 1), "string-length": (0, 1), "regex": (2, 2),
    "concat": (0, 5), "if": (3, 3), "coalesce": (2, 2), "today": (0, 0), "now": (0, 0),
    "int": (1, 1), "number": (1, 1), "round": (1, 2), "date": (1, 1), "string": (1, 1),
    "boolean": (1, 1), "not": (1, 1), "true": (0, 0), "false": (0, 0), "contains": (2, 2),
    "starts-with": (2, 2), "ends-with": (2, 2), "substr": (2, 3), "normalize-space": (1, 1),
    "count": (1, 1), "sum": (1, 3), "max": (1, 3), "min": (1, 3), "abs": (1, 1),
    "floor": (1, 1), "ceiling": (1, 1), "pow": (2, 2), "join": (2, 4), "selected-at": (2, 2),
    "format-date": (2, 2), "decimal-date-time": (1, 1), "position": (0, 1),
    "no-such-function": (0, 2),
}
FUNCTION_NAMES = sorted(ARITIES)
BINARY = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod", "|"]

WEIRD_TEXT = [
    "", " ", "0", "-0", "12", " 12 ", "12abc", "1e3", "+3", "NaN", "Infinity", "-Infinity",
    "2020-02-29", "2021-02-29", "0000-01-01", "9999-12-31", "2020-02-29T10:00:00+02:00",
    "\u0663\u0664", "a b c", "${a}", "[", "(", "\\", "%Y-%m-%d %b %e", "\u00a0", "true", "false",
    "1" * 400, "(?P<x", "a" * 300,
]
texts = st.one_of(st.text(max_size=20), st.sampled_from(WEIRD_TEXT))


def quoted(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'"  # both quotes inside: broken on purpose, must be an ExpressionError


number_literals = st.one_of(
    st.integers(min_value=0, max_value=10**30).map(str),
    st.floats(min_value=0, max_value=1e15, allow_nan=False).map(lambda f: format(f, "f")),
    st.sampled_from(["0", "0.0", ".5", "5.", "1" * 400, "9" * 20, "0.000000000001", "2000001",
                     "719163", "1e5"]),
)
leaves = st.one_of(
    st.sampled_from(REFS).map(lambda name: "${" + name + "}"),
    st.just("."),
    st.sampled_from(COLUMNS),
    texts.map(quoted),
    number_literals,
    st.sampled_from(["true()", "false()", "today()", "now()"]),
    st.sampled_from(["(1 div 0)", "(-1 div 0)", "(0 div 0)", "-800000", "-2000001", "-0",
                     "1" * 400]),
)
spaces = st.sampled_from([" ", "", "  "])


def extend(inner):
    return st.one_of(
        st.tuples(inner, spaces, st.sampled_from(BINARY), spaces, inner).map("".join),
        st.tuples(inner, spaces, st.sampled_from(BINARY), spaces, inner).map("".join),
        inner.map(lambda e: f"-{e}"),
        inner.map(lambda e: f"({e})"),
        st.sampled_from(FUNCTION_NAMES).flatmap(lambda name: call(name, inner)),
        st.sampled_from(FUNCTION_NAMES).flatmap(lambda name: call(name, leaves)),
    )


def call(name, inner):
    """A call with the right number of arguments most of the time, any number otherwise."""
    low, high = ARITIES[name]
    count = st.one_of(st.integers(low, high), st.integers(low, high), st.integers(0, 5))
    return count.flatmap(lambda n: st.lists(inner, min_size=n, max_size=n)).map(
        lambda args: f"{name}({', '.join(args)})"
    )


grammar_expressions = st.recursive(leaves, extend, max_leaves=30)
TOKENS = [
    "${a}", "${rep}", "${", "}", ".", "..", "'x'", '"', "'", "1", "2.5", "(", ")", ",", "=", "!=",
    "<", ">=", "+", "-", "*", "div", "mod", "and", "or", "|", "$", "region", "concat(", "if(",
    "round(", "substr(", "date(", "today()", "regex(", "[", "]", "/", "@", "::",
]
token_soup = st.lists(st.sampled_from(TOKENS), max_size=15).flatmap(
    lambda tokens: spaces.map(lambda sep: sep.join(tokens))
)
expressions = st.one_of(grammar_expressions, grammar_expressions, token_soup, st.text(max_size=30))

ints = st.one_of(
    st.integers(),
    st.integers(min_value=-10**6, max_value=10**6),
    st.sampled_from([0, -1, 2**53 + 1, -(2**63), 10**400, -(10**400)]),
)
floats = st.floats(allow_nan=True, allow_infinity=True)
datetimes = st.one_of(
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))])),
)
scalars = st.one_of(
    texts, ints, floats, st.booleans(), st.dates(), st.times(), datetimes,
    st.lists(st.text(max_size=5), max_size=4),  # a select_multiple answer
)
answer_values = st.one_of(scalars, st.lists(scalars, max_size=4).map(Nodeset))
contexts = st.fixed_dictionaries({
    "values": st.dictionaries(st.sampled_from(REFS), answer_values),
    "current": answer_values,
    "column_values": st.dictionaries(st.sampled_from(COLUMNS), st.one_of(texts, ints)),
    "today": st.dates(),
    "now": st.datetimes(),
})


def no_values(**values):
    return {"values": values, "current": "", "column_values": {}, "today": date(2024, 3, 1),
            "now": datetime(2024, 3, 1, 10, 0)}


# Crashes the properties found (and a few found while writing them): text, answers, why.
_OVERFLOW_INT = "float() of an integer beyond the double range raises OverflowError"
_BEFORE_YEAR_1 = "date.fromordinal() of a day before 0001-01-01 raises ValueError"
_RECURSION = ("the recursive parser/compiler raises RecursionError; an ExpressionError "
              "('too deeply nested') or a loop would do")


def crash(text, context, id, reason):
    """An input that once crashed the evaluator (`reason` says how), kept so it never returns."""
    return pytest.param(text, context, id=id)


KNOWN_CRASHES = [
    crash("substr('hello', 1, 1 div 0)", no_values(), "substr infinite end",
          "_substr: int(inf) raises OverflowError"),
    crash("substr('hello', -1 div 0)", no_values(), "substr infinite start",
          "_substr: int(-inf) raises OverflowError"),
    crash("round(1.5, 1 div 0)", no_values(), "round infinite digits",
          "_round: int(inf) raises OverflowError (only InvalidOperation is caught)"),
    crash("date(-1000000)", no_values(), "date before year 1", _BEFORE_YEAR_1),
    crash("${a} > -800000", no_values(a=date(2020, 1, 1)), "date vs a large negative",
          _BEFORE_YEAR_1 + " (compare() turns the number into a date)"),
    crash("format-date(-800000, '%Y')", no_values(), "format-date before year 1", _BEFORE_YEAR_1),
    crash("number(${a})", no_values(a=10**400), "number of a huge integer answer", _OVERFLOW_INT),
    crash("-${a}", no_values(a=10**400), "minus a huge integer answer", _OVERFLOW_INT),
    crash("${a} = '1'", no_values(a=10**400), "a huge integer answer = text", _OVERFLOW_INT),
    crash("date(${a})", no_values(a=10**400), "date of a huge integer answer",
          "to_date: math.isnan() of a huge int raises OverflowError"),
    crash("boolean(${a})", no_values(a=10**400), "boolean of a huge integer answer",
          "to_boolean: math.isnan() of a huge int raises OverflowError"),
    crash("number(${a})", no_values(a="\x1f12"), "number of text with a U+001F",
          "to_number: _NUMBER's \\s accepts U+001C..U+001F, float() does not: ValueError"),
    crash(" + ".join(f"${{q{i}}}" for i in range(1000)), no_values(), "a sum of 1000 answers",
          _RECURSION),
    crash("(" * 1000 + "1" + ")" * 1000, no_values(), "1000 nested brackets", _RECURSION),
]


def compile_or_evaluate(text: str, context: dict) -> None:
    """The property: ExpressionError while compiling, or an evaluation that raises nothing."""
    try:
        compiled = compile_expression(text)
    except ExpressionError:
        return
    ctx = EvalContext(**context)
    compiled.evaluate(ctx)
    compiled.is_true(ctx)
    ctx.exact = True  # as the amount to pay is worked out (kiosk/forms/money.py)
    compiled.evaluate(ctx)
    compiled.is_true(ctx)


@PROPERTY
@given(text=expressions, context=contexts)
@example(text="substr('hello', 1, 1 div 0)", context=no_values())
@example(text="round(1.5, 1 div 0)", context=no_values())
@example(text="date(-1000000)", context=no_values())
@example(text="number(${a})", context=no_values(a=10**400))
def test_expressions_compile_or_raise_then_evaluate_without_raising(text, context):
    compile_or_evaluate(text, context)


@pytest.mark.parametrize(("text", "context"), KNOWN_CRASHES)
def test_known_crash(text, context):
    compile_or_evaluate(text, context)


@pytest.mark.parametrize("text", [
    " + ".join(f"${{q{i}}}" for i in range(300)),
    " or ".join(f"selected(${{s}}, 'o{i}')" for i in range(200)),
    "(" * 100 + "1" + ")" * 100,
    "-" * 100 + "1",
], ids=["sum of 300 answers", "200 alternatives", "100 nested brackets", "100 minus signs"])
def test_long_but_realistic_expressions_evaluate(text):
    compile_or_evaluate(text, no_values())


# --- (b) answers -------------------------------------------------------------------------------

KINDS = [
    "text", "integer", "decimal", "date", "time", "select_one", "select_multiple", "note",
    "calculate", "acknowledge", "phone", "email", "signature",
]
CHECK_DIGITS = [None, "none", "luhn", "verhoeff", "damm", "mod_11_10", "mod_11_2", "mod_97_10"]
ANSWER_BUGS: dict[str, str] = {}  # kind -> a known crash; empty since the last ones were fixed


def kind_param(kind, check_digit=None):
    bug = ANSWER_BUGS.get(kind)
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    name = kind if check_digit is None and kind != "id_number" else f"{kind}-{check_digit}"
    return pytest.param(kind, check_digit, id=name, marks=marks)


KIND_PARAMS = [kind_param(kind) for kind in KINDS] + [
    kind_param("id_number", check_digit) for check_digit in CHECK_DIGITS
]

any_digits = st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), max_size=10)
digit_soup = st.text(
    alphabet=st.sampled_from(list("0123456789\u0660\u0663\u0669\u0966\u0969\uff11 -.,/:+'h")
                             + ["\u066b", "\u066c", "\u00a0", "\u202f", "X", "x"]),
    max_size=24,
)
parts = st.one_of(st.none(), st.integers(), st.floats(), st.booleans(), st.text(max_size=6),
                  any_digits, digit_soup, st.lists(st.integers(), max_size=2))
part_dicts = st.fixed_dictionaries({}, optional={
    "day": parts, "month": parts, "year": parts, "hour": parts, "minute": parts,
})
raw_lists = st.lists(st.one_of(st.none(), st.text(max_size=6), st.integers(), digit_soup, parts),
                     max_size=4)
raw_inputs = st.one_of(
    st.text(), any_digits, digit_soup, part_dicts, raw_lists, raw_lists.map(tuple),
    st.integers(), st.sampled_from([10**400, -(10**400), "1" * 5000, "9" * 4301]),
    st.floats(), st.none(), st.booleans(), st.dates(), st.times(),
)
allowed_lists = st.one_of(
    st.just(["a", "b", "c"]),
    st.lists(st.text(min_size=1, max_size=5), max_size=5),
)


@pytest.mark.parametrize(("kind", "check_digit"), KIND_PARAMS)
@PROPERTY
@given(raw=raw_inputs, allowed=allowed_lists, decimal_comma=st.booleans())
@example(raw="1" * 5000, allowed=["a"], decimal_comma=True)
@example(raw=5, allowed=["a"], decimal_comma=True)
@example(raw=10**400, allowed=["a"], decimal_comma=True)
def test_parse_answer_returns_a_value_or_raises_answer_error(
    kind, check_digit, raw, allowed, decimal_comma
):
    with contextlib.suppress(AnswerError):
        parse_answer(kind, raw, allowed=allowed, check_digit=check_digit,
                     decimal_comma=decimal_comma)


# --- (c) numbers round-trip --------------------------------------------------------------------


@PROPERTY
@given(value=st.one_of(
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
))
def test_numbers_round_trip_exactly(value):
    assert evaluate("number(${x})", values={"x": value}) == value
    assert to_number(evaluate("${x}", values={"x": value})) == value


@PROPERTY
@given(value=st.integers(min_value=-(10**300), max_value=10**300))
def test_large_integers_become_the_nearest_double(value):
    assert evaluate("number(${x})", values={"x": value}) == float(value)


@PROPERTY
@given(value=st.floats(allow_nan=False, allow_infinity=False))
@example(value=0.1 + 0.2)
def test_numbers_round_trip_through_string(value):
    assert evaluate("number(string(${x}))", values={"x": value}) == value
