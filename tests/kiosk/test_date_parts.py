"""A wrong date or time says which of its boxes is at fault, so the screen can mark it."""

from datetime import UTC, datetime

import pytest

from kiosk.forms.loader import compile_form
from kiosk.forms.session import Session

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    return compile_form(tmp_path_factory.mktemp("f") / "t.yaml", {
        "form_id": "t", "version": "1", "title": "T", "default_language": "en",
        "languages": ["en"], "survey": [
            {"type": "date", "name": "born", "label": "Born?", "required": True,
             "constraint": ". <= today()"},
            {"type": "time", "name": "at", "label": "At?"}]})


def fault(form, name: str, entry: dict) -> tuple[str | None, tuple[str, ...]]:
    session = Session(form, "en", clock=lambda: NOW)
    if name == "at":
        session.answer("born", {"day": "1", "month": "1", "year": "2000"})
        session.continue_()
    session.answer(name, entry)
    question = session.continue_().questions[0]
    return question.error, question.error_parts


@pytest.mark.parametrize(("day", "month", "year", "message", "parts"), [
    ("30", "2", "2007", "Enter a real date, like 27 3 2007", ("day",)),
    ("3", "13", "2007", "Enter a real date, like 27 3 2007", ("month",)),
    ("32", "13", "2007", "Enter a real date, like 27 3 2007", ("day", "month")),
    ("3", "x", "2007", "Enter a real date, like 27 3 2007", ("month",)),
    ("3", "4", "07", "The year must have 4 digits, like 2007", ("year",)),
    ("", "4", "2007", "The date must include a day", ("day",)),
    ("", "", "2007", "The date must include a day", ("day", "month")),
    ("3", "4", "", "The date must include a year", ("year",)),
    # Nothing given, or a real date the form refuses: the whole date is at fault.
    ("", "", "", "Enter your born", None),
    ("3", "4", "2099", "The date must be today or in the past", ("day", "month", "year")),
])
def test_a_date_names_the_box_at_fault(form, day, month, year, message, parts):
    error, at_fault = fault(form, "born", {"day": day, "month": month, "year": year})
    if parts is None:  # the required message: only that every box is marked matters
        assert at_fault == ("day", "month", "year")
        return
    assert (error, at_fault) == (message, parts)


@pytest.mark.parametrize(("hour", "minute", "parts"), [
    ("25", "10", ("hour",)), ("10", "61", ("minute",)), ("", "10", ("hour",)),
    ("ab", "cd", ("hour", "minute"))])
def test_a_time_names_the_box_at_fault(form, hour, minute, parts):
    assert fault(form, "at", {"hour": hour, "minute": minute}) == ("Enter a real time, like 14:30",
                                                                  parts)

