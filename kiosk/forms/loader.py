"""Load a form file: read it, check its shape and its meaning, and compile its expressions.

Every problem is collected (not just the first), each naming the file, the question and
the column, so an author can fix a form in one pass.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..i18n import available_languages
from .answers import AnswerError, parse_answer
from .form import Field, Form
from .limits import BOUNDED_TYPES, MAX_REPEAT_ITEMS
from .messages import constraint_hint
from .model import QUESTION_TYPES, Choice, FormDefinition, LocalText, Question, Settings
from .problems import FormError, Location, Problem, Severity, clip, shown
from .profile import profile_problems
from .service_settings import check_service_settings
from .source import read_form_file
from .value_sizes import MAX_CALCULATED, ValueSizes
from .xpath import Expression, ExpressionError, compile_expression
from .xpath.patterns import backtracks
from .xpath.values import MAX_TEXT

_TEMPLATE_REF = re.compile(r"\$\{([^}]*)\}")
_TEXT_COLUMNS = ("label", "hint", "required_message", "constraint_message", "add_label")
_EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "choice_filter", "repeat_count")
# A group or repeat without a label is fine (XLSForm allows it): its questions have theirs.
_LABELLED_TYPES = set(QUESTION_TYPES) - {"calculate", "group", "repeat"}


def load_form(path: Path | str) -> Form:
    """The checked form, or FormError listing every error found in it."""
    path = Path(path)
    data, problems = read_form_file(path)
    if data is None:
        raise FormError(path, problems)
    return compile_form(path, data)


def compile_form(path: Path, data: dict[str, Any]) -> Form:
    """The checked form from a file's data already read, or FormError."""
    return _FormCompiler(path, data).compile()


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _find_question(data: Any, loc: Location) -> tuple[str | None, int | None]:
    """The name and line of the innermost question on a pydantic error's path."""
    name, line, node = None, getattr(data, "line", None), data
    for step in loc:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line = getattr(node, "line", line)
            if "name" in node and loc[0] == "survey":
                name = str(node["name"])
    return name, line


def _model_at(loc: Location) -> type[BaseModel]:
    """Which part of the file an error's path is in: a question, an option, the settings."""
    if loc and loc[0] == "survey":
        return Question
    if loc and loc[0] == "choices":
        return Choice
    if loc and loc[0] == "settings":
        return Settings
    return FormDefinition


def _column(loc: Location) -> str | None:
    # A union type adds its branch names ('str', 'dict[str,str]') to the path: skip them.
    known = set(_model_at(loc).model_fields)
    names = [step for step in loc if isinstance(step, str)]
    fields = [step for step in names if step in known]
    if fields:
        return fields[-1]
    return names[-1] if names else None


def _shape_message(error: ErrorDetails) -> str:
    kind, column = error["type"], _column(error["loc"])
    given = error.get("input")
    quoted = shown(given)
    if kind == "missing":
        return f"'{column}' is missing"
    if kind == "extra_forbidden":
        known = list(_model_at(error["loc"]).model_fields)
        return f"'{column}' is not a column the kiosk knows{_suggest(str(column), known)}"
    if column in _TEXT_COLUMNS + ("title", "description", "next_steps", "submit_label") \
            and kind in ("string_type", "dict_type"):
        return f"'{column}' must be text, or a map from language code to text (found {quoted})"
    if kind == "literal_error" and column == "type":
        return (f"{quoted} is not a question type{_suggest(str(given), QUESTION_TYPES)}; "
                f"use one of: {', '.join(QUESTION_TYPES)}")
    if kind == "string_pattern_mismatch" and column == "name":
        return f"{quoted} is not a usable name: use letters, digits and _, starting with a letter"
    if kind == "string_pattern_mismatch" and column == "form_id":
        return f"{quoted} is not a usable form_id: use letters, digits, _ and -"
    message = clip(error["msg"].rstrip("."), 200)  # a validator's own words may quote the value
    return f"{message} (found {quoted})" if given is not None else message


def _without_unknown_columns(data: dict[str, Any],
                             errors: list[ErrorDetails]) -> dict[str, Any] | None:
    """A copy of the form without the columns pydantic did not know; None if other errors."""
    if any(error["type"] != "extra_forbidden" for error in errors):
        return None
    trimmed = copy.deepcopy(data)
    for error in errors:
        *path, key = error["loc"]
        node: Any = trimmed  # the file's mappings and lists, as YAML gave them
        for step in path:
            node = node[step]
        node.pop(key, None)
    return trimmed


class _FormCompiler:
    def __init__(self, path: Path, data: dict[str, Any]):
        self.path, self.data = path, data
        self.file = str(path)
        self.problems: list[Problem] = []
        self.fields: dict[str, Field] = {}
        self._declaration: str | None = None  # the one `appearance: declaration`, if any

    # -- reporting -------------------------------------------------------------------------
    def error(self, message: str, field: Field | None = None, column: str | None = None,
              severity: Severity = "error", line: int | None = None) -> None:
        self.problems.append(Problem(
            self.file, message, question=field.name if field else None, column=column,
            line=line or (field.line if field else None), severity=severity))

    def warn(self, message: str, field: Field | None = None, column: str | None = None) -> None:
        self.error(message, field, column, severity="warning")

    # -- the passes --------------------------------------------------------------------------
    def compile(self) -> Form:
        try:
            definition = FormDefinition.model_validate(self.data)
        except ValidationError as invalid:
            for error in invalid.errors():
                question, line = _find_question(self.data, error["loc"])
                problem = Problem(self.file, _shape_message(error), question=question,
                                  column=_column(error["loc"]), line=line)
                if problem not in self.problems:  # a union reports once per branch
                    self.problems.append(problem)
            # An unknown column (a typo) does not hide the form's other problems: check the
            # rest without it, so the author can fix everything in one pass.
            trimmed = _without_unknown_columns(self.data, invalid.errors())
            if trimmed is None:  # other errors than unknown columns: they are reported
                raise FormError(self.path, self.problems) from None
            self.data = trimmed
            try:
                definition = FormDefinition.model_validate(self.data)
            except ValidationError:
                raise FormError(self.path, self.problems) from None
        self.definition = definition
        self._check_languages()
        raw_questions = self.data.get("survey", [])
        top = [self._build(q, raw, None, None) for q, raw in zip(definition.survey, raw_questions, strict=False)]
        for field in self.fields.values():
            self._compile_expressions(field)
        for field, message in profile_problems(self.fields.values()):
            self.error(message, field, "profile")
        self._check_texts()
        check_service_settings(self)
        order = self._calculation_order()
        instance_name = self._expression(definition.settings.instance_name, None, "instance_name")
        self._check_value_sizes(order, instance_name)
        if any(p.severity == "error" for p in self.problems):
            raise FormError(self.path, self.problems)
        warnings = [p for p in self.problems if p.severity == "warning"]
        return Form(definition, self.path, top, self.fields, order, instance_name, warnings)

    def _check_languages(self) -> None:
        languages = self.definition.languages
        if len(set(languages)) != len(languages):
            self.error("a language is listed twice", column="languages")
        if self.definition.default_language not in languages:
            self.error(f"'{self.definition.default_language}' is not one of the form's "
                       f"languages ({', '.join(languages)})", column="default_language",
                       line=getattr(self.data, "line", None))
        missing = [code for code in languages if code not in available_languages()]
        if missing:
            self.warn(f"the kiosk has no interface text for {', '.join(missing)}; "
                      "buttons and messages will be in English", column="languages")

    def _build(self, spec: Question, raw: Any, parent: Field | None, repeat: Field | None) -> Field:
        field = Field(spec=spec, parent=parent, repeat=repeat, line=getattr(raw, "line", None))
        if spec.name in self.fields:
            self.error(f"the name '{spec.name}' is used twice (also on line "
                       f"{self.fields[spec.name].line}); names must be unique in the form",
                       field, "name")
        else:
            self.fields[spec.name] = field
        self._check_columns(field)
        if spec.children:
            raw_children = raw.get("children", []) if isinstance(raw, dict) else []
            inner_repeat = field if spec.type == "repeat" else repeat
            field.children = [self._build(child, child_raw, field, inner_repeat)
                              for child, child_raw in zip(spec.children, raw_children, strict=False)]
        return field

    def _check_columns(self, field: Field) -> None:
        spec, kind = field.spec, field.spec.type
        if kind in ("group", "repeat"):
            if not spec.children:
                self.error(f"a {kind} needs 'children': the questions inside it", field, "children")
            if kind == "repeat" and field.repeat is not None:
                self.error("a repeat inside another repeat is not supported", field, "type")
            if field.parent is not None and field.parent.is_field_list:
                self.error(f"a {kind} cannot sit inside a field-list group (one page)", field, "type")
        elif spec.children:
            self.error(f"only group and repeat have 'children', not {kind}", field, "children")
        if kind in ("select_one", "select_multiple"):
            if not spec.choices:
                self.error("a select question needs 'choices': the name of a choice list",
                           field, "choices")
            elif spec.choices not in self.definition.choices:
                self.error(f"there is no choice list called '{spec.choices}'"
                           f"{_suggest(spec.choices, self.definition.choices)}", field, "choices")
        elif spec.choices:
            self.error(f"'choices' is only for select_one and select_multiple, not {kind}",
                       field, "choices")
        if kind == "calculate" and not spec.calculation:
            self.error("a calculate question needs a 'calculation'", field, "calculation")
        if kind in _LABELLED_TYPES and spec.label is None:
            self.error("the question has no label", field, "label")
        if spec.receipt and (kind in ("note", "group", "repeat") or field.repeat is not None):
            self.error("only a single answer outside repeats can go on the receipt", field, "receipt")
        elif spec.receipt and spec.label is None:
            self.error("an answer printed on the receipt needs a label to print beside it",
                       field, "label")
        if spec.appearance == "declaration":
            # Asked on check answers, above Send (kiosk.forms.session): one, outside groups.
            if kind != "acknowledge" or field.parent is not None:
                self.error("'appearance: declaration' is only for an acknowledge question "
                           "outside groups and repeats", field, "appearance")
            elif self._declaration is not None:
                self.error(f"a form has one declaration; '{self._declaration}' is one already",
                           field, "appearance")
            else:
                self._declaration = spec.name
        if spec.check_digit and kind != "id_number":
            self.error("'check_digit' is only for id_number questions", field, "check_digit")
        if spec.max_length is not None and kind not in BOUNDED_TYPES:
            self.error("'max_length' is only for answers typed into a box: "
                       f"{', '.join(sorted(BOUNDED_TYPES))}", field, "max_length")
        if spec.normalise and kind != "text":
            self.error("'normalise' is only for text questions (the other types tidy their "
                       "own answers)", field, "normalise")
        if spec.choice_filter and kind not in ("select_one", "select_multiple"):
            self.error("'choice_filter' is only for select questions", field, "choice_filter")
        if spec.repeat_count and kind != "repeat":
            self.error("'repeat_count' is only for repeats", field, "repeat_count")
        if spec.constraint and kind in ("note", "group", "repeat", "calculate"):
            self.error(f"a {kind} has no answer to constrain", field, "constraint")
        if spec.required is not False and kind in ("note", "group", "repeat", "calculate"):
            self.error(f"a {kind} cannot be required", field, "required")
        if spec.default is not None:
            self._check_default(field)

    def _check_default(self, field: Field) -> None:
        allowed = [c.name for c in self.definition.choices.get(field.spec.choices or "", [])]
        try:
            field.default = parse_answer(field.type, field.spec.default, allowed=allowed,
                                         check_digit=field.spec.check_digit, decimal_comma=False,
                                         max_length=field.max_length, normalise=field.normalise)
        except AnswerError as problem:
            self.error(f"the default {shown(field.spec.default)} is not a {field.type} answer "
                       f"({problem.invalid.key.replace('_', ' ')})", field, "default")

    # -- expressions -------------------------------------------------------------------------
    def _expression(self, text: str | None, field: Field | None, column: str) -> Expression | None:
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        try:
            expression = compile_expression(text)
        except ExpressionError as problem:
            self.error(f"{problem} in: {clip(text, 120)}", field, column)
            return None
        for name in sorted(expression.refs):
            if name not in self.fields:
                self.error(f"${{{name}}} is not a question in this form{_suggest(name, self.fields)}",
                           field, column)
        self._check_repeat_functions(expression, field, column)
        if expression.columns:
            if column != "choice_filter":
                names = ", ".join(sorted(expression.columns))
                self.error(f"'{names}' is not understood here: write answers as ${{name}}",
                           field, column)
            else:
                assert field is not None  # a choice_filter is always a question's
                self._check_filter_columns(expression, field)
        for pattern in expression.patterns:
            if backtracks(pattern):
                self.warn(f"the pattern {shown(pattern)} repeats a part that itself repeats the "
                          "same characters, as (a+)+ does: the kiosk checks it in linear time, "
                          "but engines that backtrack (ODK Collect's, a server's) can take "
                          "minutes on a short answer; repeat once, as in ^a+$", field, column)
        if expression.uses_current and column in ("relevant", "calculation", "repeat_count"):
            self.error(f"'.' has no value in '{column}'; name the question with ${{name}}",
                       field, column)
        return expression

    def _check_repeat_functions(self, expression: Expression, field: Field | None,
                                column: str) -> None:
        """indexed-repeat() names a question of the repeat it names; jr:choice-name() a select."""
        for name, repeat in expression.indexed_repeats:
            target = self.fields.get(name)
            if target is not None and (target.repeat is None or target.repeat.name != repeat):
                self.error(f"indexed-repeat(): ${{{name}}} is not a question of the repeat "
                           f"${{{repeat}}}", field, column)
        for name in expression.choice_names:
            target = self.fields.get(name)
            if target is not None and target.type not in ("select_one", "select_multiple"):
                self.error(f"jr:choice-name(): ${{{name}}} is a {target.type}, not a select "
                           "question with options", field, column)

    def _check_filter_columns(self, expression: Expression, field: Field) -> None:
        options = self.definition.choices.get(field.spec.choices or "", [])
        known = {"name", "label"}
        for option in options:
            known.update(option.model_extra or {})
        for name in sorted(expression.columns - known):
            if ":" in name:  # XPath reads `label::English` as an axis: ODK refuses the form
                self.error(f"'{name}' is not a column ODK can read in a choice_filter (it reads "
                           "'::' as an XPath axis and refuses the form)", field, "choice_filter")
                continue
            # ODK reads a column no choice has as empty, and accepts the form: so does the
            # kiosk, but it says so, as it is most often a misspelt column or a missing quote.
            self.warn(f"the choice list '{field.spec.choices}' has no column '{name}', so it is "
                      f"empty for every choice{_suggest(name, known)}", field, "choice_filter")

    def _compile_expressions(self, field: Field) -> None:
        spec = field.spec
        field.relevant = self._expression(spec.relevant, field, "relevant")
        field.constraint = self._expression(spec.constraint, field, "constraint")
        field.calculation = self._expression(spec.calculation, field, "calculation")
        field.choice_filter = self._expression(spec.choice_filter, field, "choice_filter")
        field.repeat_count = self._expression(spec.repeat_count, field, "repeat_count")
        if isinstance(spec.required, str):
            field.required = self._expression(spec.required, field, "required") or False
        else:
            field.required = spec.required
        if field.constraint is not None and spec.constraint_message is None \
                and constraint_hint(field.constraint) is None:
            self.warn("this constraint has no constraint_message, so people will only be told "
                      "to check their answer; say what to enter", field, "constraint_message")
        if field.calculation is not None and name_in(field.calculation, field.name):
            self.error(f"the calculation uses its own answer ${{{field.name}}}", field, "calculation")

    def _calculation_order(self) -> list[Field]:
        """Calculated questions in an order where each comes after what it reads."""
        calculated: dict[str, Field] = {}
        reads: dict[str, frozenset[str]] = {}  # the names each calculation reads
        for field in self.fields.values():
            if field.calculation is not None:
                calculated[field.name], reads[field.name] = field, field.calculation.refs
        order: list[Field] = []
        state: dict[str, str] = {}

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == "done":
                return
            if state.get(name) == "visiting":
                cycle = trail[trail.index(name):] + [name]
                self.error("the calculations go round in a circle: "
                           + " -> ".join(f"${{{n}}}" for n in cycle),
                           calculated[name], "calculation")
                return
            state[name] = "visiting"
            for ref in sorted(reads[name]):
                if ref in calculated and ref != name:
                    visit(ref, trail + [name])
            state[name] = "done"
            order.append(calculated[name])

        for name in calculated:
            visit(name, [])
        return order

    def _check_value_sizes(self, order: list[Field], instance_name: Expression | None) -> None:
        """No expression can make a text longer than MAX_TEXT (value_sizes.py says why)."""
        sizes = ValueSizes(self.fields, self.definition.choices)
        total = 0
        for field in order:
            assert field.calculation is not None  # calculation_order: calculated ones only
            made = sizes.calculation(field, field.calculation)
            if made > MAX_TEXT:
                self.error(f"the calculation can make a value of more than {MAX_TEXT:,} "
                           "characters; is a value repeated in itself, as in "
                           "concat(${x}, ${x})?", field, "calculation")
                sizes.calculated[field.name] = 0  # reported here, not again by each reader
            kept = sizes.calculated[field.name]
            total += kept * (MAX_REPEAT_ITEMS if field.repeat is not None else 1)
        if total > MAX_CALCULATED and order:
            self.error(f"the calculations together can hold more than {MAX_CALCULATED:,} "
                       "characters; make fewer, or shorter ones", order[-1], "calculation")
        for field in self.fields.values():
            for column in ("relevant", "constraint", "required", "choice_filter", "repeat_count"):
                self._check_value_size(sizes, getattr(field, column), field, column)
        self._check_value_size(sizes, instance_name, None, "instance_name")

    def _check_value_size(self, sizes: ValueSizes, expression: object, field: Field | None,
                          column: str) -> None:
        if isinstance(expression, Expression) and sizes.of(expression, field).text > MAX_TEXT:
            self.error(f"the expression can make a value of more than {MAX_TEXT:,} characters "
                       "while it is worked out", field, column)

    # -- texts in every language ------------------------------------------------------------
    def _check_texts(self) -> None:
        definition = self.definition
        self._check_text(definition.title, None, "title")
        for key in ("description", "next_steps", "submit_label"):
            self._check_text(getattr(definition.settings, key), None, f"settings.{key}")
        for field in self.fields.values():
            for column in _TEXT_COLUMNS:
                self._check_text(getattr(field.spec, column), field, column)
        for list_name, options in definition.choices.items():
            if not options:
                self.error(f"the choice list '{list_name}' has no options", column="choices")
            seen: set[str] = set()
            for option in options:
                if option.name in seen and not definition.settings.allow_choice_duplicates:
                    self.error(f"the choice list '{list_name}' has the option '{option.name}' "
                               "twice", column="choices")
                seen.add(option.name)
                self._check_text(option.label, None, f"choices.{list_name}.{option.name}.label")

    def _check_text(self, value: LocalText | None, field: Field | None, column: str) -> None:
        if value is None:
            return
        if isinstance(value, dict):
            missing = [code for code in self.definition.languages if not value.get(code)]
            if missing:
                self.error(f"the text has no {', '.join(missing)} version "
                           f"(the form's languages are {', '.join(self.definition.languages)})",
                           field, column)
            extra = [code for code in value if code not in self.definition.languages]
            if extra:
                self.warn(f"the text has a {', '.join(extra)} version but the form does not "
                          "list that language", field, column)
            texts = [str(v) for v in value.values()]
        else:
            texts = [str(value)]
        for text in texts:
            for name in _TEMPLATE_REF.findall(text):
                if name.strip() not in self.fields:
                    self.error(f"${{{name}}} in the text is not a question in this form"
                               f"{_suggest(name.strip(), self.fields)}", field, column)


def name_in(expression: Expression, name: str) -> bool:
    return name in expression.refs
