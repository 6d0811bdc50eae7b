"""The page counter never misleads: it counts only pages that ask something, never moves
backwards as the citizen goes on, and is not shown at all where answers decide the path."""

from datetime import UTC, datetime
from pathlib import Path

from kiosk.forms.loader import compile_form, load_form
from kiosk.forms.session import Session

FORMS = Path(__file__).resolve().parents[2] / "assets" / "forms"
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


def form_of(survey: list[dict], tmp_path: Path, **extra):
    data = {"form_id": "t", "version": "1", "title": "T", "default_language": "en",
            "languages": ["en"], "survey": survey, **extra}
    return compile_form(tmp_path / "t.yaml", data)


def counts_through(session: Session, answers: dict) -> list[tuple[str, int, int]]:
    """(page, number, total) for every page shown on the way to check answers."""
    seen = []
    page = session.page()
    while page.kind != "check":
        seen.append((page.key.name, page.number, page.total))
        for question in page.questions:
            if question.name in answers:
                session.answer(question.name, answers[question.name])
        page = session.continue_()
        assert not page.problems, page.problems
    return seen


FIXED = [
    {"type": "note", "name": "intro", "label": "Before you start"},
    {"type": "text", "name": "name", "label": "Name?", "required": True},
    {"type": "group", "name": "address", "appearance": "field-list", "label": "Address?",
     "children": [
         {"type": "note", "name": "address_note", "label": "Where we write to"},
         {"type": "text", "name": "line_1", "label": "Line 1"},
         {"type": "text", "name": "flat", "label": "Flat", "relevant": "${name} = 'Flat'"}]},
    {"type": "select_one", "name": "colour", "label": "Colour?", "choices": "colours"},
    {"type": "note", "name": "red_note", "label": "Red it is", "relevant": "${colour} = 'red'"},
    {"type": "integer", "name": "age", "label": "Age?"},
]
CHOICES = {"colours": [{"name": "red", "label": "Red"}, {"name": "blue", "label": "Blue"}]}


def test_a_fixed_path_counts_only_the_pages_that_ask_and_only_forward(tmp_path):
    form = form_of(FIXED, tmp_path, choices=CHOICES)
    seen = counts_through(Session(form, "en", clock=lambda: NOW),
                          {"name": "Sam", "line_1": "1 High St", "colour": "red", "age": "40"})
    # The introduction and a note a choice brings in are not questions: no count on them,
    # and they do not move the total.
    assert seen == [("intro", 0, 0), ("name", 1, 4), ("address", 2, 4), ("colour", 3, 4),
                    ("red_note", 0, 0), ("age", 4, 4)]


def test_a_branching_path_shows_no_count_at_all(tmp_path):
    survey = [*FIXED[:3], {**FIXED[3], "relevant": "${name} != 'x'"}, FIXED[5]]
    form = form_of(survey, tmp_path, choices=CHOICES)
    seen = counts_through(Session(form, "en", clock=lambda: NOW),
                          {"name": "Sam", "line_1": "1 High St", "colour": "blue", "age": "4"})
    assert [(number, total) for _, number, total in seen] == [(0, 0)] * 5


def test_an_add_another_repeat_is_a_branch_a_fixed_count_is_not(tmp_path):
    child = {"type": "text", "name": "child", "label": "Child's name?"}
    open_ended = form_of([{"type": "repeat", "name": "kids", "label": "Child",
                           "children": [child]}], tmp_path)
    assert Session(open_ended, "en").page().total == 0
    fixed = form_of([{"type": "repeat", "name": "kids", "label": "Child", "repeat_count": "2",
                      "children": [child]}], tmp_path)
    seen = counts_through(Session(fixed, "en"), {"child": "Alex"})
    assert [(n, t) for _, n, t in seen] == [(1, 2), (2, 2)]


def test_the_sample_licence_form_never_counts_backwards_or_counts_its_introduction():
    # It branches on age (the medical question): "Question 5 of 9" after "4 of 4" is gone.
    form = load_form(FORMS / "renew_driving_licence.yaml")
    session = Session(form, "en", clock=lambda: NOW)
    assert session.page().key.name == "intro" and session.page().number == 0
    seen = counts_through(session, {
        "licence_number": "123456782", "full_name": "Sam Jones", "date_of_birth": "1950-01-01",
        "medically_fit": "yes", "renewal_reason": "expired", "address_line_1": "1 High St",
        "town": "Leeds", "postcode": "LS1 4AB", "declaration": True})
    assert all((number, total) == (0, 0) for _, number, total in seen)


def test_the_tax_declaration_counts_its_seven_questions_not_its_notes():
    form = load_form(FORMS / "market_trader_tax.yaml")
    session = Session(form, "en", clock=lambda: NOW)
    page = session.page()
    assert page.first and (page.number, page.total) == (0, 0)  # "Declare your market takings"
    page = session.continue_()
    assert (page.number, page.total) == (1, 7) and not page.first
