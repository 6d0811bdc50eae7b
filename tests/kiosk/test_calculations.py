"""Calculated answers: what check answers shows is what is submitted, a calculated date is a
date, and a comparison is submitted as a string or a number, never a boolean."""

from kiosk.forms.pages import PageKey

from .small_forms import YES_NO, answer, make_form, run_to_check, start


def test_check_answers_matches_the_submission_after_a_calculation_is_dropped(tmp_path):
    form = make_form(tmp_path, """\
        - {type: select_one, name: has_income, label: "Do you have an income?", choices: yes_no,
           required: true}
        - type: group
          name: income
          relevant: "${has_income} = 'yes'"
          label: Income
          children:
            - {type: calculate, name: allowance, calculation: "100"}
        - {type: decimal, name: total, label: Total allowance, read_only: true,
           calculation: "${allowance} + 5"}
        """, YES_NO)
    session = start(form)
    page = answer(session, has_income="yes")
    session.continue_()
    session.change(PageKey("question", "has_income"))
    page = answer(session, has_income="no")
    shown = {row.name: row.answer for row in page.rows}["total"]
    submitted = session.submission()["answers"].get("total")
    assert shown == ("Not provided" if submitted is None else str(submitted))


def test_calculated_date_question_is_submitted_as_a_date(tmp_path):
    form = make_form(tmp_path, """\
        - {type: date, name: start, label: Start date, required: true}
        - {type: date, name: review, label: Review date, read_only: true,
           calculation: "${start} + 30"}
        """)
    session = start(form)
    run_to_check(session, {"start": "2026-01-01"})
    assert session.submission()["answers"]["review"] == "2026-01-31"


def test_calculate_of_a_comparison_is_a_string_or_number(tmp_path):
    form = make_form(tmp_path, """\
        - {type: integer, name: age, label: Age, required: true}
        - {type: calculate, name: adult, calculation: "${age} >= 18"}
        """)
    session = start(form)
    run_to_check(session, {"age": "40"})
    value = session.submission()["answers"].get("adult")
    assert isinstance(value, str | int | float) and not isinstance(value, bool)
