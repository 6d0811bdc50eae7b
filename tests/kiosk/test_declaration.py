"""A declaration is made on check answers, above Send (the DWP "make a declaration" pattern:
a statement and a button that says "I agree", no tick box and no page of its own). Pressing
Send is the agreement: the answer goes to the server as an acknowledge always did."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.forms.loader import compile_form, load_form
from kiosk.forms.problems import FormError
from kiosk.forms.session import Session
from kiosk.forms.spoken import spoken_page
from kiosk.forms.trial import run_trial

FORMS = Path(__file__).resolve().parents[2] / "assets" / "forms"
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)
YOUNG = {"licence_number": "123456782", "full_name": "Sam Example",
         "date_of_birth": "1985-06-14", "renewal_reason": "expired",
         "address_line_1": "1 Example Street", "town": "Sampleton", "postcode": "AB1 2CD"}


def walk_to_check(session: Session, answers: dict) -> list[str]:
    pages = []
    page = session.page()
    while page.kind != "check":
        pages.append(page.key.name)
        for question in page.questions:
            if question.name in answers:
                session.answer(question.name, answers[question.name])
        page = session.continue_()
        assert not page.problems, page.problems
    return pages


def test_the_licence_declaration_is_on_check_answers_and_send_agrees_to_it():
    session = Session(load_form(FORMS / "renew_driving_licence.yaml"), "en", clock=lambda: NOW)
    pages = walk_to_check(session, YOUNG)
    assert "declaration" not in pages and pages[-1] == "email"
    check = session.page()
    assert check.declaration.label == "Declaration"
    assert "crime to give false information" in check.declaration.hint
    assert "declaration" not in [row.name for row in check.rows]  # not an answer to change
    assert "By sending this application" in spoken_page(check, "en")
    assert session.submission()["answers"]["declaration"] is True


def test_a_declaration_that_does_not_apply_is_not_shown_or_sent():
    # Over 70 and not medically fit: the form stops short of the declaration.
    session = Session(load_form(FORMS / "renew_driving_licence.yaml"), "en", clock=lambda: NOW)
    walk_to_check(session, {**YOUNG, "date_of_birth": "1940-01-01", "medically_fit": "no"})
    assert session.page().declaration is None
    assert session.submission()["answers"].get("declaration") in (None, False)


def test_forms_try_says_a_declaration_that_is_not_agreed_sends_nothing():
    form = load_form(FORMS / "renew_driving_licence.yaml")
    refused = run_trial(form, {**YOUNG, "declaration": False}, clock=lambda: NOW)
    assert refused.submission is None
    assert refused.errors == ["declaration: not agreed, so the citizen cannot send: "
                              "Send on check answers is the agreement"]
    agreed = run_trial(form, {**YOUNG, "declaration": True}, clock=lambda: NOW)
    assert not agreed.errors and not agreed.unused
    assert agreed.submission["answers"]["declaration"] is True


def form_with(tmp_path: Path, survey: list[dict]):
    return compile_form(tmp_path / "t.yaml", {
        "form_id": "t", "version": "1", "title": "T", "default_language": "en",
        "languages": ["en"], "survey": survey})


DECLARE = {"type": "acknowledge", "name": "agree", "appearance": "declaration",
           "label": "Declaration", "hint": "It is true."}


@pytest.mark.parametrize(("survey", "message"), [
    ([{**DECLARE, "type": "text"}], "only for an acknowledge question outside groups"),
    ([{"type": "group", "name": "g", "label": "G", "appearance": "field-list",
       "children": [{"type": "text", "name": "a", "label": "A"}, DECLARE]}],
     "only for an acknowledge question outside groups"),
    ([DECLARE, {**DECLARE, "name": "again"}], "a form has one declaration; 'agree' is one"),
], ids=["not an acknowledge", "inside a group", "two"])
def test_a_declaration_the_kiosk_cannot_ask_is_refused_with_its_reason(tmp_path, survey,
                                                                        message):
    with pytest.raises(FormError) as failure:
        form_with(tmp_path, [{"type": "text", "name": "q", "label": "Q"}, *survey])
    assert any(message in problem.message for problem in failure.value.problems)


def test_a_form_of_only_a_declaration_goes_straight_to_check_answers(tmp_path):
    session = Session(form_with(tmp_path, [DECLARE]), "en", clock=lambda: NOW)
    assert session.page().kind == "check" and session.page().declaration.hint == "It is true."
    assert session.submission()["answers"] == {"agree": True}
