"""One citizen's way through one form: pages, answers, validation, navigation, submission.

The screens only render what `page()` returns and pass on what the person did:
`answer(name, raw)`, `continue_()`, `back()`, `change(key)`, `add_item()`... Every rule lives
here, so it is tested without Qt.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from .. import i18n
from .answers import DATE_PARTS, TIME_PARTS, AnswerError, check_id_number, parse_answer
from .display import fill_template, show_answer
from .form import Field, Form
from .limits import MAX_REPEAT_ITEMS, capitals
from .messages import answer_message, default_constraint_message, required_message
from .model import Choice, LocalText
from .money import exact_fields, round_amount
from .pages import (
    CHECK,
    AnswerRow,
    ChoiceView,
    ItemView,
    PageKey,
    PageKind,
    PageView,
    ProblemView,
    QuestionView,
)
from .progress import asks, fixed_path
from .submission import Assistance, JSONValue, ReceiptAnswer, Submission
from .xpath import EvalContext, Expression, Nodeset, to_boolean, to_date, to_number, to_string
from .xpath.values import temporal_text

ItemKey = tuple[str, int | None]  # (question name, repeat item or None)


class SessionError(Exception):
    """The screen asked for something the current page does not offer (a programming error)."""


class IncompleteError(Exception):
    """The visit cannot be submitted yet: `problems` says which answers need attention."""

    def __init__(self, problems: list[ProblemView]):
        super().__init__(f"{len(problems)} answer(s) need attention")
        self.problems = problems


class _Context(EvalContext):
    """What an expression sees from one place in the form: its repeat item, and `.`."""

    def __init__(self, session: Session, repeat: str | None, item: int | None, current: Any = "",
                 field: Field | None = None):
        self.session, self.repeat, self.item, self.current = session, repeat, item, current
        self.field = field
        self.column_values = {}

    # Read only by today() and now(): most expressions never ask for the clock.
    @property
    def now(self) -> datetime:
        return self.session.now()

    @property
    def today(self) -> date:
        return self.session.now().date()

    def value(self, name: str) -> object:
        session = self.session
        field = session.form.fields[name]
        if field.type == "repeat":  # its items: count(${repeat}) is how many there are
            return Nodeset(_item_text(field, item) for item in session._items.get(name, []))
        if field.repeat is None:
            return session._values.get(name, "")
        items = session._items.get(field.repeat.name, [])
        if field.repeat.name == self.repeat and self.item is not None:
            return items[self.item].get(name, "") if self.item < len(items) else ""
        return Nodeset(item.get(name, "") for item in items)

    def ancestor_position(self, levels: int) -> float:
        node = self.field
        for _ in range(levels):
            node = node.parent if node is not None else None
        if node is not None and node.type == "repeat" and node.name == self.repeat \
                and self.item is not None:
            return float(self.item + 1)
        return 1.0  # a group, or the form itself: never repeated

    def indexed(self, name: str, repeat: str, index: int) -> object:
        field = self.session.form.fields[name]
        if field.repeat is None or field.repeat.name != repeat:
            return ""  # refused when the form loads (loader.py); never reached
        items = self.session._items.get(repeat, [])
        return items[index - 1].get(name, "") if index <= len(items) else ""

    def choice_label(self, question: str, value: str) -> str:
        session = self.session
        field = session.form.fields[question]
        if field.type not in ("select_one", "select_multiple"):
            return ""  # as JavaRosa: only a select's options have labels
        for option in session.form.choices(field):
            if option.name == value:
                return session._text(field, option.label, self.item)
        return ""


def _item_text(repeat: Field, values: dict[str, Any]) -> str:
    """A repeat item's XPath string value: its answers' texts one after another."""
    return "".join(to_string(values.get(f.name, "")) for f in repeat.walk()
                   if f is not repeat and f.has_value)


def _calculated(field: Field, value: Any) -> Any:
    """A calculation's result in its question's type; a calculate is text or a number."""
    if isinstance(value, Decimal):  # exact arithmetic (money.py): kept as the nearest double,
        value = float(value)  # whose shortest text is the decimal itself (1.7 for 1.70)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    kind = field.type
    if kind == "date":
        return to_date(value) or ""
    if kind in ("integer", "decimal"):
        number = to_number(value)
        if math.isnan(number) or math.isinf(number):
            return ""
        return int(number) if kind == "integer" else number
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return to_string(value)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _blank(entry: Any) -> bool:
    """Nothing given: an empty box, no choice, an unticked box, a date with empty parts."""
    if isinstance(entry, str):
        return not entry.strip()
    if isinstance(entry, dict):
        return all(_blank(part) for part in entry.values())
    if isinstance(entry, list | tuple | set):
        return all(_blank(part) for part in entry)
    return entry is None or entry is False


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return temporal_text(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, Nodeset):
        return [_json_value(item) for item in value]
    return value


class Session:
    def __init__(self, form: Form, language: str | None = None,
                 clock: Callable[[], datetime] = _utc_now):
        self.form = form
        self.language = language if language in form.languages else form.default_language
        self.clock = clock
        self.instance_id = f"uuid:{uuid.uuid4()}"
        self.started_at = clock()
        # Staff helped: who (by name, never a PIN), and that the citizen agreed. Goes with
        # the submission, so the service knows the answers were given with help.
        self.assistance: list[Assistance] = []
        self._values: dict[str, Any] = {}
        self._items: dict[str, list[dict[str, Any]]] = {}
        self._raw: dict[ItemKey, Any] = {}
        self._errors: dict[ItemKey, str] = {}
        # The boxes of a date or time at fault, by (question, message): kiosk.forms.answers.
        self._error_parts: dict[tuple[ItemKey, str], tuple[str, ...]] = {}
        self._relevant: dict[ItemKey, bool] = {}
        self._visited: set[PageKey] = set()
        self._history: list[PageKey] = []
        self._opened_repeats: set[str] = set()
        self._slots: list[PageKey] | None = None
        self._slot_index: dict[PageKey, int] = {}
        self._changing = False
        self._history_before_change: list[PageKey] = []
        self._change_focus: tuple[PageKey, str] | None = None  # (page, question) of a Change
        self._counted = fixed_path(form)  # "Question 3 of 8" only where no answer changes it
        # Answers given earlier in the visit, shown on their pages until accepted there
        # (kiosk/forms/profile.py); in memory only, never in a draft.
        self._offered: dict[str, Any] = {}
        self._exact = exact_fields(form)  # worked out in decimals: the amount to pay
        payment = form.definition.settings.payment
        self._amount = payment.amount if payment is not None else None
        for field in form.fields.values():
            if field.repeat is None and field.default is not None:
                self._values[field.name] = field.default
        self._refresh()
        first = self._next_slot(-1)
        self._page = first if first is not None else CHECK
        self._enter_repeat_if_needed()

    # -- time --------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The kiosk's local time (today() in expressions is the local date)."""
        return self.clock().astimezone()

    # -- what the screen asks -----------------------------------------------------------------
    @property
    def key(self) -> PageKey:
        return self._page

    def page(self) -> PageView:
        key = self._page
        if key.kind == "check":
            declaration = self._declaration()
            return PageView(key=key, title=i18n.text(self.language, "ui.check_answers"),
                            rows=self.check_answers(), can_go_back=bool(self._history),
                            declaration=None if declaration is None
                            else self._question_view(declaration, None))
        field = self.form.fields[key.name]
        title = self._text(field, field.spec.label, key.item)
        questions = [self._question_view(f, key.item) for f in self._page_fields(key)]
        problems = [ProblemView(q.key, q.name, q.error, key) for q in questions if q.error]
        items: list[ItemView] = []
        if key.kind == "summary":
            items = self._item_views(field)
        number, total = self._progress(key)
        return PageView(key=key, title=title, questions=questions, problems=problems,
                        items=items, number=number, total=total,
                        first=key == self._next_slot(-1),
                        can_go_back=bool(self._history),
                        hint=self._text(field, field.spec.hint, key.item) if key.kind == "group" else "",
                        focus=self._focus(key, questions))

    def answer(self, name: str, raw: Any) -> None:
        """Keep what the person entered on this page; it is checked on Continue."""
        field = self._field_on_page(name)
        if not field.takes_input:
            raise SessionError(f"'{name}' cannot be answered: it is read-only")
        self._raw[(name, self._page.item)] = raw

    def continue_(self) -> PageView:
        """Check this page's answers; move on when they are right, else show what is wrong."""
        key = self._page
        if key.kind == "check":
            return self.page()
        shown = {f.name for f in self._page_fields(key)}
        if key.kind != "summary" and not self._accept_page(key):
            return self.page()
        self._refresh()
        if key.kind == "group" and any(f.takes_input and f.name not in shown
                                       for f in self._page_fields(key)):
            # An answer on this page opened another question on it: stay and ask it.
            return self.page()
        self._visited.add(key)
        self._history.append(key)
        self._page = self._following(key)
        self._enter_repeat_if_needed()
        return self.page()

    def back(self) -> PageView:
        self._forget_entries(self._page)
        if self._changing:
            self._changing = False
            self._history = self._history_before_change
            self._page = CHECK
            return self.page()
        while self._history:
            key = self._history.pop()
            if key.kind == "check" or self._slot_relevant(key):
                self._page = key
                break
        return self.page()

    def change(self, key: PageKey, name: str = "") -> PageView:
        """From check answers: open a page, and come back to check answers after Continue.
        `name` is the question whose Change was pressed: on a page of several (an address),
        its box is the one to type in, not the page's first."""
        if self._page.kind != "check" or key not in self._all_slots() or not self._slot_relevant(key):
            raise SessionError(f"page {key} cannot be changed from here")
        self._history_before_change = list(self._history)
        self._history.append(CHECK)
        self._changing = True
        self._change_focus = (key, name) if name else None
        self._page = key
        return self.page()

    def _focus(self, key: PageKey, questions: list[QuestionView]) -> str:
        """Which question the page focuses: the first that is wrong, else the one changed."""
        wrong = next((q.name for q in questions if q.error), "")
        if wrong:
            return wrong
        if self._changing and self._change_focus is not None and self._change_focus[0] == key:
            name = self._change_focus[1]
            return name if any(q.name == name for q in questions) else ""
        return ""

    # -- repeats ("add another") ------------------------------------------------------------
    def add_item(self) -> PageView:
        repeat = self._summary_field()
        items = self._items.setdefault(repeat.name, [])
        if len(items) >= MAX_REPEAT_ITEMS:
            return self.page()
        items.append(self._new_item(repeat))
        self._slots = None
        self._refresh()
        return self._open_item(repeat, len(items) - 1)

    def edit_item(self, index: int) -> PageView:
        repeat = self._summary_field()
        if not 0 <= index < len(self._items.get(repeat.name, [])):
            raise SessionError(f"there is no item {index} in {repeat.name}")
        return self._open_item(repeat, index)

    def cancel_item(self) -> PageView:
        """On a page of an "add another" item: drop this item and go to the summary."""
        key = self._page
        field = self.form.fields.get(key.name)
        repeat = field.repeat if field is not None else None
        if key.item is None or repeat is None or repeat.repeat_count is not None:
            raise SessionError("only an item of an 'add another' repeat can be cancelled")
        self._drop_item(repeat, key.item)
        self._errors = {}
        self._page = PageKey("summary", repeat.name)
        return self.page()

    def remove_item(self, index: int) -> PageView:
        repeat = self._summary_field()
        items = self._items.get(repeat.name, [])
        if not 0 <= index < len(items):
            raise SessionError(f"there is no item {index} in {repeat.name}")
        self._drop_item(repeat, index)
        return self.page()

    def _drop_item(self, repeat: Field, index: int) -> None:
        del self._items[repeat.name][index]
        self._forget_repeat(repeat)  # later items moved down by one
        self._opened_repeats.add(repeat.name)  # the summary shows, even with no items left
        self._slots = None
        self._refresh()

    # -- check answers and submission ---------------------------------------------------------
    def check_answers(self) -> list[AnswerRow]:
        rows: list[AnswerRow] = []
        for key in self._all_slots():
            if key.kind == "summary" or not self._slot_relevant(key):
                continue
            for field in self._page_fields(key):
                if not field.has_value:
                    continue
                value = self._stored(field, key.item)
                shown = self._shown(field, value, key.item)
                rows.append(AnswerRow(
                    key=key, name=field.name, item=key.item,
                    section=self._item_title(field.repeat, key.item) if field.repeat else "",
                    label=self._text(field, field.spec.label, key.item),
                    answer=shown or i18n.text(self.language, "ui.not_provided"),
                    provided=bool(shown), changeable=field.takes_input))
        return rows

    def show_problem(self, problem: ProblemView) -> PageView:
        """From check answers: open the page that needs attention, with its message."""
        view = self.change(problem.page, problem.name)
        self._errors = {p.key: p.message for p in self.problems() if p.page == problem.page}
        return self.page() if self._errors else view

    def problems(self) -> list[ProblemView]:
        """Every relevant answer that is missing or wrong, in page order."""
        found: list[ProblemView] = []
        for key in self._all_slots():
            if key.kind == "summary" or not self._slot_relevant(key):
                continue
            for field in self._page_fields(key):
                if field.takes_input:
                    message = self._check(field, key.item, self._stored(field, key.item))
                    if message:
                        found.append(ProblemView((field.name, key.item), field.name, message, key))
        return found

    def submission(self) -> Submission:
        """The finished visit, as it is stored and sent. IncompleteError if it is not finished."""
        self._refresh()
        problems = self.problems()
        if problems:
            raise IncompleteError(problems)
        declaration = self._declaration()
        if declaration is not None:  # Send, under its words, is the agreement
            self._store(declaration, None, True)
        completed = self.clock()
        name = ""
        if self.form.instance_name is not None:
            name = to_string(self.form.instance_name.evaluate(_Context(self, None, None)))
        submission: Submission = {
            "instance_id": self.instance_id,
            "form_id": self.form.form_id,
            "form_version": self.form.version,
            "language": self.language,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "completed_at": completed.isoformat(timespec="seconds"),
            "instance_name": name,
            "answers": self._answers_json(self.form.top, None),
            "receipt": self._receipt_answers(),
        }
        if self.assistance:
            submission["assistance"] = list(self.assistance)
        hidden: list[list[str | int | None]] = [[name, item] for (name, item), ok
                                                in self._relevant.items() if not ok]
        if hidden:
            submission["not_relevant"] = hidden
        return submission

    def _declaration(self) -> Field | None:
        """The form's declaration, when it applies to this visit (its `relevant`)."""
        field = next((f for f in self.form.top if f.is_declaration), None)
        if field is None or not self._relevant.get((field.name, None), True):
            return None
        return field

    # -- once only in a visit (kiosk/forms/profile.py) --------------------------------------
    def offer_answers(self, answers: dict[str, Any]) -> None:
        """Show these answers (given earlier in the visit) on their pages, ready to keep or
        change: each becomes an answer only when its page is continued, checked as if typed."""
        for name, value in answers.items():
            field = self.form.fields.get(name)
            if field is not None and field.repeat is None and field.takes_input:
                self._offered[name] = value

    def given_answers(self) -> dict[str, Any]:
        """The answers outside repeats on the pages the citizen has continued past."""
        given: dict[str, Any] = {}
        for key in self._visited:
            if key.kind in ("question", "group") and key.item is None:
                for field in self._page_fields(key):
                    if field.takes_input and field.name in self._values:
                        given[field.name] = self._values[field.name]
        return given

    def record_assistance(self, helper: str, at: datetime | None = None) -> None:
        """A helper joined this visit, with the citizen's consent (asked on screen first)."""
        if not any(entry["helper"] == helper for entry in self.assistance):
            self.assistance.append({"helper": helper, "consent": "given",
                                    "at": (at or self.clock()).isoformat(timespec="seconds")})

    @property
    def assisted_by(self) -> str | None:
        return ", ".join(entry["helper"] for entry in self.assistance) or None

    # -- the visit's language and what has been given ------------------------------------------
    def set_language(self, language: str) -> bool:
        """Show the same page in another of the form's languages, every answer and entry kept.
        The messages on the page are said again in the new language. False when not offered."""
        if language not in self.form.languages or language == self.language:
            return False
        self.language = language
        if self._errors and self._page.kind in ("question", "group"):
            self._reword_errors()
        return True

    def _reword_errors(self) -> None:
        """The page's messages in the new language: checked again from the same entries, then
        everything put back as it was (the check stores answers when it passes)."""
        from copy import deepcopy

        shown = dict(self._errors)
        values, items, raw = deepcopy(self._values), deepcopy(self._items), dict(self._raw)
        self._accept_page(self._page)
        self._values, self._items, self._raw = values, items, raw
        self._errors = {key: self._errors.get(key, message) for key, message in shown.items()}

    def has_answers(self) -> bool:
        """Whether the person has given anything that leaving would lose: an answer (not a
        default or a calculation), or an entry on the page not yet continued."""
        def given(field: Field, value: Any) -> bool:
            return field.takes_input and not _blank(value) and value != field.default

        if any(given(self.form.fields[name], value) for name, value in self._values.items()):
            return True
        for items in self._items.values():
            for item in items:
                if any(given(self.form.fields[name], value) for name, value in item.items()):
                    return True
        return any(not _blank(entry) for entry in self._raw.values())

    # -- validation --------------------------------------------------------------------------
    def _accept_page(self, key: PageKey) -> bool:
        fields = [f for f in self._page_fields(key) if f.takes_input]
        self._errors, self._error_parts = {}, {}
        # The page's answers as they were: put back if the page is refused, so Back after a
        # wrong entry (or a cancelled change) keeps the earlier, valid answer.
        before = {f.name: self._stored(f, key.item) for f in fields}
        for field in fields:  # an answer offered from earlier in the visit is this page's entry
            if key.item is None and field.name in self._offered:
                self._raw.setdefault((field.name, None), self._offered[field.name])
        for field in fields:  # constraints may compare answers on the same page: store first
            item_key = (field.name, key.item)
            if item_key not in self._raw:
                continue
            try:
                # The check digit comes after the form's constraint, in _check.
                value = parse_answer(field.type, self._raw[item_key], allowed=self._allowed(field, key.item),
                                     check_digit=None, max_length=field.max_length,
                                     normalise=field.normalise,
                                     decimal_comma=i18n.uses_decimal_comma(self.language))
            except AnswerError as problem:
                message = self._own_length_message(field, key.item, problem) or self._which(
                    field, key.item, answer_message(problem.invalid.key,
                                                    dict(problem.invalid.params), self.language))
                self._errors[item_key] = message
                self._error_parts[(item_key, message)] = problem.invalid.parts
                continue
            self._store(field, key.item, value)
        for field in fields:  # constraints may compare answers on the same page
            item_key = (field.name, key.item)
            if item_key not in self._errors:
                wrong = self._check(field, key.item, self._stored(field, key.item))
                if wrong:
                    self._errors[item_key] = wrong
        if self._errors:
            for field in fields:
                self._store(field, key.item, before[field.name])
            return False
        for field in fields:
            self._raw.pop((field.name, key.item), None)
            self._offered.pop(field.name, None)  # kept or changed, it is the citizen's now
        return True

    def _own_length_message(self, field: Field, item: int | None,
                            problem: AnswerError) -> str | None:
        """A limit the form wrote as its own `string-length(.) <= N` constraint is refused
        with the form's own message, as the constraint itself would be."""
        spec = field.spec
        if (problem.invalid.key == "text_too_long" and spec.max_length is None
                and field.constraint is not None and spec.constraint_message is not None):
            return self._text(field, spec.constraint_message, item)
        return None

    def _check(self, field: Field, item: int | None, value: Any) -> str | None:
        spec = field.spec
        if value is None or value == "" or value == []:
            required = field.required
            if not isinstance(required, bool):
                required = required.is_true(self._context(field, item))
            if not required:
                return None
            if spec.required_message is not None:
                return self._text(field, spec.required_message, item)
            return self._which(field, item, required_message(field.type, self.language))
        if field.type in ("select_one", "select_multiple"):
            allowed = self._allowed(field, item)
            chosen = value if isinstance(value, list) else [value]
            if any(name not in allowed for name in chosen):
                return answer_message("choice_unknown", {}, self.language)
        if field.constraint is not None and not field.constraint.is_true(
                self._context(field, item, value)):
            if spec.constraint_message is not None:
                return self._text(field, spec.constraint_message, item)
            return self._which(field, item,
                               default_constraint_message(field.constraint, self.language))
        if field.type == "id_number" and spec.check_digit:
            try:
                check_id_number(str(value), spec.check_digit)
            except AnswerError as problem:
                return self._which(field, item, answer_message(problem.invalid.key, {},
                                                               self.language))
        return None

    def _which(self, field: Field, item: int | None, message: str) -> str:
        """A default message on a page of several questions names its question."""
        if field.parent is not None and field.parent.is_field_list:
            label = self._text(field, field.spec.label, item).strip()
            if label.endswith(("?", ".", "!", ":", "؟")):
                return f"{label} {message}"
            return i18n.text(self.language, "info.label_value", label=label, value=message)
        return message

    # -- answers and relevance ---------------------------------------------------------------
    def _context(self, field: Field, item: int | None, current: Any = "") -> _Context:
        repeat = field.repeat.name if field.repeat else None
        return _Context(self, repeat, item if repeat else None, current, field)

    def _stored(self, field: Field, item: int | None) -> Any:
        if field.repeat is None:
            return self._values.get(field.name)
        items = self._items.get(field.repeat.name, [])
        return items[item].get(field.name) if item is not None and item < len(items) else None

    def _store(self, field: Field, item: int | None, value: Any) -> None:
        if field.repeat is None:
            target = self._values
        else:
            assert item is not None  # a question inside a repeat is in one of its items
            target = self._items[field.repeat.name][item]
        if value is None or value == "" or value == []:
            target.pop(field.name, None)
        else:
            target[field.name] = value

    def _refresh(self) -> None:
        """Recompute calculations and relevance; drop answers that stopped being relevant."""
        for _ in range(len(self.form.fields) + 1):
            self._calculate()
            if not self._apply_relevance():
                break

    def _calculate(self) -> None:
        for field in self.form.calculation_order:
            items = [None] if field.repeat is None else range(len(self._items.get(field.repeat.name, [])))
            for item in items:
                if not self._relevant.get((field.name, item), True):
                    continue
                assert field.calculation is not None  # calculation_order: calculated ones only
                # `.` is its value so far: once() keeps it.
                stored = self._stored(field, item)
                context = self._context(field, item, "" if stored is None else stored)
                context.exact = field.name in self._exact
                value = field.calculation.evaluate(context)
                if field.name == self._amount:
                    value = round_amount(value, self.form.definition.settings.currency)
                self._store(field, item, _calculated(field, value))

    def _apply_relevance(self) -> bool:
        """Walk the form in order; True when an answer was dropped (so calculations rerun)."""
        dropped = False
        relevant: dict[ItemKey, bool] = {}

        def walk(fields: list[Field], item: int | None, parent_ok: bool) -> None:
            nonlocal dropped
            context = self._context(fields[0], item)  # siblings share their repeat item
            for field in fields:
                ok = parent_ok and (field.relevant is None or field.relevant.is_true(context))
                relevant[(field.name, item)] = ok
                if field.type == "repeat":
                    items = self._items.setdefault(field.name, [])
                    if not ok and items:
                        self._forget_repeat(field)
                        items.clear()
                        self._slots, dropped = None, True
                    if ok and field.repeat_count is not None:
                        self._resize(field, field.repeat_count)
                    for index in range(len(items)):
                        walk(field.children, index, ok)
                elif field.children:
                    if not ok:
                        self._visited.discard(PageKey("group", field.name, item))
                    walk(field.children, item, ok)
                elif not ok:
                    self._visited.discard(PageKey("question", field.name, item))
                    self._raw.pop((field.name, item), None)
                    if self._stored(field, item) is not None:
                        self._store(field, item, None)
                        dropped = True  # calculations that read it must run again
                elif (field.default is not None and self._relevant.get((field.name, item)) is False
                      and self._stored(field, item) is None):
                    # Relevant again: it starts from its default, as it did (ODK shows and
                    # sends the default of a question that becomes relevant).
                    self._store(field, item, field.default)
                    dropped = True  # changed: calculations that read it must run again

        walk(self.form.top, None, True)
        self._relevant = relevant
        return dropped

    def _resize(self, repeat: Field, repeat_count: Expression) -> None:
        count = to_string(repeat_count.evaluate(self._context(repeat, None)))
        try:
            wanted = max(0, min(MAX_REPEAT_ITEMS, int(float(count))))
        except (ValueError, OverflowError):  # not a number, or infinite (a division by 0)
            wanted = 0
        items = self._items[repeat.name]
        if len(items) != wanted:
            if wanted < len(items):
                self._forget_items_from(repeat, wanted)
            del items[wanted:]
            items.extend(self._new_item(repeat) for _ in range(wanted - len(items)))
            self._slots = None

    def _allowed(self, field: Field, item: int | None) -> list[str]:
        return [c.name for c in self._choices(field, item)]

    def _choices(self, field: Field, item: int | None) -> list[Choice]:
        options = self.form.choices(field)
        if field.choice_filter is None:
            return options
        context = self._context(field, item)
        kept = []
        for option in options:
            context.column_values = {**(option.model_extra or {}), "name": option.name,
                                     "label": self.form.text(option.label, self.language)}
            if to_boolean(field.choice_filter.evaluate(context)):
                kept.append(option)
        return kept

    # -- pages -------------------------------------------------------------------------------
    def _all_slots(self) -> list[PageKey]:
        if self._slots is None:
            slots: list[PageKey] = []

            def walk(fields: list[Field], item: int | None) -> None:
                for field in fields:
                    if field.type == "calculate" or field.is_declaration:
                        continue  # a declaration is asked on check answers, not on a page
                    if field.type == "repeat":
                        for index in range(len(self._items.get(field.name, []))):
                            walk(field.children, index)
                        if field.repeat_count is None:
                            slots.append(PageKey("summary", field.name))
                    elif field.type == "group" and not field.is_field_list:
                        walk(field.children, item)
                    else:
                        kind: PageKind = "group" if field.type == "group" else "question"
                        slots.append(PageKey(kind, field.name, item))

            walk(self.form.top, None)
            self._slots = slots
            self._slot_index = {key: index for index, key in enumerate(slots)}
        return self._slots

    def _slot_relevant(self, key: PageKey) -> bool:
        if key.kind == "check":
            return True
        self._all_slots()
        if key not in self._slot_index:  # a page of an item that is gone, say
            return False
        if not self._relevant.get((key.name, key.item), True):
            return False
        if key.kind == "group":
            return any(self._relevant.get((f.name, key.item), True) for f in self._page_fields(key))
        return True

    def _page_fields(self, key: PageKey) -> list[Field]:
        field = self.form.fields[key.name]
        if key.kind == "question":
            return [field]
        if key.kind == "group":
            return [f for f in field.children if f.type != "calculate"
                    and self._relevant.get((f.name, key.item), True)]
        return []

    def _field_on_page(self, name: str) -> Field:
        for field in self._page_fields(self._page) if self._page.kind != "check" else []:
            if field.name == name:
                return field
        raise SessionError(f"'{name}' is not a question on this page")

    def _next_slot(self, after: int) -> PageKey | None:
        slots = self._all_slots()
        for key in slots[after + 1:]:
            if self._slot_relevant(key):
                return key
        return None

    def _following(self, key: PageKey) -> PageKey:
        self._all_slots()
        nxt = self._next_slot(self._slot_index.get(key, -1))
        field = self.form.fields[key.name]
        repeat = field if key.kind == "summary" else field.repeat
        if (repeat is not None and key.kind != "summary" and nxt is not None
                and self._in_repeat(nxt, repeat) and nxt.item != key.item):
            nxt = PageKey("summary", repeat.name) if repeat.repeat_count is None else nxt
        if self._changing:
            fresh = self._first_unvisited(self._slot_index.get(key, -1))
            if fresh is not None:
                return fresh
            self._changing = False
            self._history = self._history_before_change
            return CHECK
        return nxt if nxt is not None else CHECK

    def _first_unvisited(self, after: int) -> PageKey | None:
        """The first page after `after` that is relevant now and was never answered."""
        for key in self._all_slots()[after + 1:]:
            if key not in self._visited and self._slot_relevant(key):
                return key
        return None

    def _in_repeat(self, key: PageKey, repeat: Field) -> bool:
        if key.kind in ("check", "summary"):
            return False
        return self.form.fields[key.name].repeat is repeat

    def _enter_repeat_if_needed(self) -> None:
        """Arriving at an empty "add another" repeat for the first time starts its first item."""
        key = self._page
        if key.kind != "summary" or key.name in self._opened_repeats:
            return
        repeat = self.form.fields[key.name]
        self._opened_repeats.add(key.name)
        if not self._items.get(repeat.name):
            self.add_item()
            # add_item pushed the summary on the history; Back from the first item goes
            # to the page before the repeat instead.
            if self._history and self._history[-1] == key:
                self._history.pop()

    def _open_item(self, repeat: Field, index: int) -> PageView:
        first = next((k for k in self._all_slots()
                      if self._in_repeat(k, repeat) and k.item == index and self._slot_relevant(k)), None)
        if first is None:
            return self.page()
        self._history.append(self._page)
        self._page = first
        return self.page()

    @staticmethod
    def _new_item(repeat: Field) -> dict[str, Any]:
        return {f.name: f.default for f in repeat.walk() if f is not repeat and f.default is not None}

    def _forget_items_from(self, repeat: Field, first: int) -> None:
        """Pages, entries and history of items from `first` on, which are about to go."""
        def gone(key: PageKey) -> bool:
            return self._in_repeat(key, repeat) and key.item is not None and key.item >= first
        self._history = [k for k in self._history if not gone(k)]
        self._history_before_change = [k for k in self._history_before_change if not gone(k)]
        self._visited = {k for k in self._visited if not gone(k)}
        self._raw = {k: v for k, v in self._raw.items()
                     if not (self.form.fields[k[0]].repeat is repeat and k[1] is not None and k[1] >= first)}

    def _forget_repeat(self, repeat: Field) -> None:
        """Forget entries and pages of all a repeat's items, and that its summary was seen."""
        self._forget_items_from(repeat, 0)
        self._visited.discard(PageKey("summary", repeat.name))
        self._opened_repeats.discard(repeat.name)

    def _summary_field(self) -> Field:
        if self._page.kind != "summary":
            raise SessionError("items can only be added or removed on a repeat's summary page")
        return self.form.fields[self._page.name]

    def _forget_entries(self, key: PageKey) -> None:
        if key.kind in ("question", "group"):
            for field in self._page_fields(key):
                self._raw.pop((field.name, key.item), None)
        self._errors = {}

    def _progress(self, key: PageKey) -> tuple[int, int]:
        """("Question 3 of 8"): this page's place among the pages that ask something, and
        their count; (0, 0), no count, on a page that asks nothing or a form whose path
        branches (kiosk.forms.progress)."""
        if not self._counted or key.kind not in ("question", "group"):
            return 0, 0
        number = total = 0
        for slot in self._all_slots():
            if (slot.kind != "summary" and self._slot_relevant(slot)
                    and asks(self._page_fields(slot))):
                total += 1
                if slot == key:
                    number = total
        return (number, total) if number else (0, 0)

    # -- views -------------------------------------------------------------------------------
    def _text(self, field: Field | None, value: LocalText | None, item: int | None) -> str:
        text = self.form.text(value, self.language)
        if "${" not in text:
            return text

        def lookup(name: str) -> str:
            target = self.form.fields.get(name)
            if target is None:
                return ""
            if target.repeat is not None and field is not None and field.repeat is target.repeat:
                return show_answer(self.form, target, self._stored(target, item), self.language)
            if target.repeat is None:
                return show_answer(self.form, target, self._values.get(name), self.language)
            return to_string(self._context(target, None).value(name))

        return fill_template(text, lookup)

    def _question_view(self, field: Field, item: int | None) -> QuestionView:
        item_key = (field.name, item)
        stored = self._stored(field, item)
        required = field.required
        if not isinstance(required, bool):
            required = required.is_true(self._context(field, item))
        choices = []
        if field.type in ("select_one", "select_multiple"):
            # A choice's label may show an answer, `${name}`, as in ODK.
            choices = [ChoiceView(c.name, self._text(field, c.label, item))
                       for c in self._choices(field, item)]
        return QuestionView(
            key=item_key, name=field.name, type=field.type,
            label=self._text(field, field.spec.label, item),
            hint=self._text(field, field.spec.hint, item),
            required=required and field.takes_input,
            read_only=not field.takes_input and field.type != "note",
            appearance=field.spec.appearance or "",
            max_length=field.max_length if field.takes_input else None,
            capitals=capitals(field.type, field.spec.profile, field.normalise),
            choices=choices,
            value=stored,
            entry=self._raw.get(item_key, self._offered.get(field.name, stored)
                                if item is None else stored),
            shown=self._shown(field, stored, item),
            error=self._errors.get(item_key),
            error_parts=self._parts_at_fault(field, item_key),
        )

    def _parts_at_fault(self, field: Field, item_key: ItemKey) -> tuple[str, ...]:
        """The boxes of a date or time to mark: those a wrong entry names, else all of them
        (a missing date, or one the form's constraint refuses, is the whole date's fault)."""
        message = self._errors.get(item_key)
        if message is None or field.type not in ("date", "time"):
            return ()
        return self._error_parts.get((item_key, message)) or (
            DATE_PARTS if field.type == "date" else TIME_PARTS)

    def _item_title(self, repeat: Field, item: int | None) -> str:
        return f"{self._text(repeat, repeat.spec.label, item)} {(item or 0) + 1}".strip()

    def _shown(self, field: Field, value: Any, item: int | None) -> str:
        """An answer as shown, a choice's words with the answers they show filled in."""
        return show_answer(self.form, field, value, self.language,
                           lambda text: self._text(field, text, item))

    def _item_views(self, repeat: Field) -> list[ItemView]:
        views = []
        for index, values in enumerate(self._items.get(repeat.name, [])):
            shown = [self._shown(f, values.get(f.name), index)
                     for f in repeat.walk() if f.takes_input and f.name in values]
            views.append(ItemView(index=index, title=shown[0] if shown else self._item_title(repeat, index),
                                  details=[s for s in shown[1:] if s]))
        return views

    def _answers_json(self, fields: list[Field],
                      item_values: dict[str, Any] | None) -> dict[str, JSONValue]:
        answers: dict[str, JSONValue] = {}
        for field in fields:
            if field.type == "repeat":
                answers[field.name] = [self._answers_json(field.children, values)
                                       for values in self._items.get(field.name, [])]
            elif field.children:
                answers.update(self._answers_json(field.children, item_values))
            elif field.has_value:
                source = self._values if item_values is None else item_values
                if field.name in source:
                    answers[field.name] = _json_value(source[field.name])
        return answers

    def _receipt_answers(self) -> list[ReceiptAnswer]:
        """Only what the form marks `receipt: true`, as shown to the citizen."""
        return [{"name": f.name, "label": self.form.text(f.spec.label, self.language),
                 "answer": self._shown(f, self._values[f.name], None)}
                for f in self.form.fields.values()
                if f.spec.receipt and f.repeat is None and f.name in self._values]
