"""The answer sets each form is filled with, in both engines.

Every form gets three made from its own questions, so a form that starts to import is
exercised at once: nothing answered (defaults, calculations, required), every question
answered with its first choices and one repeat item, and with its last choices and two items
(the other side of relevance and choice filters; values a constraint may refuse, which both
engines must refuse alike). A form with a file in answers/ (`<xlsform stem>.json`: a list of
{"why": ..., "stops_at": ..., "answers": {...}}) gets those too: visits written to take each
branch, each saying where ODK refuses it (or null: sent), which is checked too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.forms.form import Field, Form

ANSWERS = Path(__file__).with_name("answers")

# A made-up answer per type, the first and the second time it is given.
PLAIN = {
    "text": ("Sam Example", "Kim"), "phone": ("07700900123", "01632960001"),
    "email": ("sam@example.org", "kim@example.org"), "integer": (3, 42),
    "decimal": (2.5, 1250.75), "date": ("2026-11-20", "1990-02-28"),
    "time": ("14:30", "09:05"), "acknowledge": (True, True),
}


def answer_sets(xlsform: Path, form: Form) -> list[tuple[str, dict[str, Any]]]:
    sets: list[tuple[str, dict[str, Any]]] = [
        ("nothing answered", {}),
        ("every question answered, first choices, one repeat item", _every(form, 0, 1)),
        ("every question answered, last choices, two repeat items", _every(form, 1, 2)),
    ]
    sets += [(entry["why"], entry["answers"]) for entry in written_sets(xlsform.stem)]
    return sets


def written_sets(stem: str) -> list[dict[str, Any]]:
    """The visits written for a form: {"why", "stops_at" (the question that refuses them, or
    null when they are sent), "answers"}."""
    written = ANSWERS / f"{stem}.json"
    if not written.exists():
        return []
    entries: list[dict[str, Any]] = json.loads(written.read_text(encoding="utf-8"))
    return entries


def _every(form: Form, which: int, items: int) -> dict[str, Any]:
    return _answers(form, form.top, which, items)


def _answers(form: Form, fields: list[Field], which: int, items: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for field in fields:
        if field.type == "repeat":
            answers[field.name] = [_answers(form, field.children, (which + n) % 2, items)
                                   for n in range(items)]
        elif field.children:
            answers.update(_answers(form, field.children, which, items))
        elif field.takes_input:
            value = _value(form, field, which)
            if value is not None:
                answers[field.name] = value
    return answers


def _value(form: Form, field: Field, which: int) -> Any:
    if field.type in PLAIN:
        return PLAIN[field.type][which]
    names = [choice.name for choice in form.choices(field)]
    if not names:
        return None
    if field.type == "select_one":
        return names[0] if which == 0 else names[-1]
    return names[:2] if which == 0 else names[-2:]
