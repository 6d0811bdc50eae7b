"""Default constraint messages say what to enter, in the visit's language."""

from textwrap import dedent

import pytest

from kiosk.forms.loader import load_form
from kiosk.forms.messages import default_constraint_message
from kiosk.forms.session import Session
from kiosk.forms.xpath import compile_expression

from .small_forms import NOW, answer


@pytest.mark.parametrize(("constraint", "message"), [
    (". >= 1 and . <= 20", "Enter a number between 1 and 20"),
    (". <= 20 and . >= 1", "Enter a number between 1 and 20"),
    (". >= 0", "Enter a number that is 0 or more"),
    ("18 <= .", "Enter a number that is 18 or more"),
    (". > 0", "Enter a number greater than 0"),
    (". <= 99.5", "Enter a number that is 99.5 or less"),
    (". < 100", "Enter a number less than 100"),
    (". >= -5", "Enter a number that is -5 or more"),
    (". <= today()", "The date must be today or in the past"),
    (". < today()", "The date must be in the past"),
    (". >= today()", "The date must be today or in the future"),
    (". > today()", "The date must be in the future"),
    ("string-length(.) <= 200", "Enter 200 characters or fewer"),
    ("string-length(.) < 201", "Enter 200 characters or fewer"),
    ("string-length(.) = 9", "Enter exactly 9 characters"),
    ("regex(., '^[0-9]+$')", "Check this answer and change it"),
    (". >= 1 and . < 20", "Check this answer and change it"),
])
def test_constraints_of_a_known_shape_explain_themselves(constraint, message):
    assert default_constraint_message(compile_expression(constraint), "en") == message


def test_the_default_is_translated():
    expression = compile_expression(". >= 1 and . <= 20")
    messages = {lang: default_constraint_message(expression, lang) for lang in ("en", "fr", "es", "ar")}
    assert len(set(messages.values())) == 4
    assert all("1" in text and "20" in text for text in messages.values())


def test_default_between_message_uses_the_languages_decimal_mark(tmp_path):
    path = tmp_path / "fr.yaml"
    path.write_text(dedent("""\
        form_id: fr
        version: "1"
        title: Dose
        default_language: fr
        languages: [fr]
        survey:
          - {type: decimal, name: dose, label: Dose, required: true, constraint: ". >= 0.5 and . <= 2.5"}
        """), encoding="utf-8")
    session = Session(load_form(path), "fr", clock=lambda: NOW)
    page = answer(session, dose="7")
    assert page.problems[0].message == "Écrivez un nombre entre 0,5 et 2,5"
