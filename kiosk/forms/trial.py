"""Run a set of answers through a form the way a citizen would, page by page (`forms try`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .form import Form
from .session import IncompleteError, Session
from .submission import Submission

MAX_STEPS = 5000


@dataclass
class TrialResult:
    submission: Submission | None = None
    errors: list[str] = field(default_factory=list)  # "name: message", in page order
    unused: list[str] = field(default_factory=list)  # answers given for questions never asked


class AnswerFileError(ValueError):
    """The answers file cannot be read as JSON or JSON Lines."""


def read_answer_sets(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AnswerFileError(f"{path}: cannot read the answers file ({error.strerror})") from None
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        return [whole]
    sets = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            answers = json.loads(line)
        except json.JSONDecodeError as error:
            raise AnswerFileError(f"{path}:{number}: this line is not JSON ({error.msg})") from None
        if not isinstance(answers, dict):
            raise AnswerFileError(f"{path}:{number}: each line must be one JSON object of answers")
        sets.append(answers)
    if not sets:
        raise AnswerFileError(f"{path}: the answers file holds no answers")
    return sets


def run_trial(form: Form, answers: dict[str, Any], language: str | None = None,
              clock: Callable[[], datetime] | None = None) -> TrialResult:
    session = Session(form, language, **({"clock": clock} if clock else {}))
    used: set[str] = set()
    result = TrialResult()
    for _ in range(MAX_STEPS):
        page = session.page()
        if page.kind == "check":
            break
        if page.kind == "summary":
            repeat = page.key.name
            given = answers.get(repeat) or []
            used.add(repeat)
            if len(page.items) < len(given):
                session.add_item()
            else:
                session.continue_()
            continue
        item = page.key.item
        if item is not None:
            owner = session.form.fields[page.key.name].repeat
            assert owner is not None  # a page of a repeat item is inside that repeat
            given = answers.get(owner.name) or []
            used.add(owner.name)
            if item >= len(given) and owner.repeat_count is None:
                session.cancel_item()  # the answers have fewer items than were started
                continue
        for question in page.questions:
            source = answers
            if item is not None:
                around = session.form.fields[question.name].repeat
                assert around is not None  # on a repeat item's page, so inside the repeat
                items = answers.get(around.name) or []
                source = items[item] if item < len(items) and isinstance(items[item], dict) else {}
            if question.name in source and not question.read_only and question.type != "note":
                session.answer(question.name, source[question.name])
                used.add(question.name)
        after = session.continue_()
        if after.key == page.key and after.problems:
            result.errors = [f"{p.name}: {p.message}" for p in after.problems]
            return result
    declaration = page.declaration  # on check answers (None elsewhere): Send is the agreement
    if declaration is not None and declaration.name in answers:
        used.add(declaration.name)
        if not answers[declaration.name]:
            result.errors = [f"{declaration.name}: not agreed, so the citizen cannot send: "
                             "Send on check answers is the agreement"]
            return result
    try:
        result.submission = session.submission()
    except IncompleteError as incomplete:
        result.errors = [f"{p.name}: {p.message}" for p in incomplete.problems]
        return result
    result.unused = sorted(name for name in answers if name not in used)
    return result
