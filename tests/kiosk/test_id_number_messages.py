"""A number of the wrong length gets the form's own words ("must be 9 digits"); the generic
"one of its characters is not right" only comes where the form asks for a check digit, and
only once the length and shape are right."""

import json
from pathlib import Path

import pytest

from kiosk.forms.loader import compile_form, load_form
from kiosk.forms.session import Session
from kiosk.forms.trial import run_trial

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "assets" / "forms"
VALID = ROOT / "tests" / "kiosk" / "data" / "answers" / "renew_driving_licence.valid.jsonl"
NINE_DIGITS = "Your driving licence number must be 9 digits"
CHECK = "Check the number, one of its characters is not right"


@pytest.fixture(scope="module")
def licence():
    return load_form(FORMS / "renew_driving_licence.yaml")


def licence_error(form, typed: str, language: str = "en") -> str | None:
    session = Session(form, language)
    session.continue_()  # past "Before you start"
    session.answer("licence_number", typed)
    page = session.continue_()
    return page.problems[0].message if page.problems else None


@pytest.mark.parametrize("typed", ["12345678", "1234567", "1234567890", "12345678A"])
def test_a_wrong_length_shows_the_forms_own_message(licence, typed):
    assert licence_error(licence, typed) == NINE_DIGITS


def test_the_forms_message_is_in_the_visits_language(licence):
    assert licence_error(licence, "12345678", "fr") == (
        "Votre numéro de permis de conduire doit comporter 9 chiffres")


def test_nine_digits_with_a_wrong_check_digit_get_the_check_message(licence):
    assert licence_error(licence, "123456789") == CHECK
    assert licence_error(licence, "123 456 782") is None  # spaces are forgiven


def test_kiosk_forms_try_agrees(licence):
    first = json.loads(VALID.read_text(encoding="utf-8").splitlines()[0])
    errors = run_trial(licence, dict(first, licence_number="12345678")).errors
    assert errors == [f"licence_number: {NINE_DIGITS}"]


def form_with(tmp_path, **column):
    question = {"type": "id_number", "name": "ref", "label": "Reference?", **column}
    return compile_form(tmp_path / "t.yaml", {
        "form_id": "t", "version": "1", "title": "T", "default_language": "en",
        "languages": ["en"], "survey": [question]})


def answer_of(form, typed: str):
    session = Session(form, "en")
    session.answer("ref", typed)
    page = session.continue_()
    return page.problems[0].message if page.problems else session.submission()["answers"]["ref"]


def test_no_check_digit_asked_no_check_message(tmp_path):
    assert answer_of(form_with(tmp_path), "123456789") == "123456789"


def test_a_check_digit_without_a_constraint_still_catches_a_typo(tmp_path):
    assert answer_of(form_with(tmp_path, check_digit="luhn"), "123456789") == CHECK
    assert answer_of(form_with(tmp_path, check_digit="luhn"), "123456782") == "123456782"
