"""Edge cases of navigation, calculations and messages that a review found broken, now fixed.

Each test shows what a citizen or form author would have hit."""

from datetime import UTC, datetime
from pathlib import Path
from textwrap import dedent

import pytest

from kiosk.forms.loader import load_form
from kiosk.forms.pages import CHECK, PageKey
from kiosk.forms.session import Session
from kiosk.forms.trial import run_trial

FORMS = Path(__file__).parent / "data" / "forms"
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)

YES_NO = """
choices:
  yes_no:
    - {name: "yes", label: "Yes"}
    - {name: "no", label: "No"}
"""


def make_form(tmp_path, survey: str, extra: str = "", name: str = "review"):
    text = dedent(f"""\
        form_id: {name}
        version: "1"
        title: Review
        default_language: en
        languages: [en]
        survey:
        """) + dedent(survey) + dedent(extra)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_form(path)


def start(form):
    return Session(form, "en", clock=lambda: NOW)


def answer(session, **answers):
    for name, value in answers.items():
        session.answer(name, value)
    return session.continue_()


def run_to_check(session, answers: dict, limit: int = 50):
    """Continue through the form, answering whatever is asked from `answers`; list the pages."""
    seen = []
    for _ in range(limit):
        page = session.page()
        if page.kind == "check":
            return seen
        seen.append(page.key)
        for question in page.questions:
            if question.name in answers and not question.read_only and question.type != "note":
                session.answer(question.name, answers[question.name])
        after = session.continue_()
        assert not (after.key == page.key and after.problems), after.problems
    raise AssertionError("never reached check answers")


# -- navigation.yaml (the suite's own form) ----------------------------------------------------

@pytest.fixture(scope="module")
def nav_form():
    return load_form(FORMS / "navigation.yaml")


def complete_nav(session):
    answer(session, first_name="Sam")
    answer(session, age="40")
    answer(session, has_children="yes")
    answer(session, child_name="Alex")
    answer(session, child_age="9")
    session.continue_()  # summary
    answer(session, street="1 High Street")
    session.continue_()  # note
    page = answer(session, services=["library"])
    assert page.key == CHECK


def test_back_after_a_change_that_drops_a_repeat_never_reaches_its_old_items(nav_form):
    session = start(nav_form)
    complete_nav(session)
    session.change(PageKey("question", "has_children"))
    assert answer(session, has_children="no").key == CHECK
    seen = []
    for _ in range(8):
        page = session.back()
        seen.append(page.key)
        if not page.can_go_back:
            break
    assert all(key.item is None for key in seen), seen


def test_back_after_a_failed_change_keeps_the_earlier_answer(nav_form):
    session = start(nav_form)
    complete_nav(session)
    session.change(PageKey("question", "first_name"))
    page = answer(session, first_name="")  # cleared by mistake: "Enter your first name"
    assert page.problems
    page = session.back()
    assert page.key == CHECK
    rows = {row.name: row.answer for row in page.rows}
    assert rows["first_name"] == "Sam"


def test_back_after_a_constraint_error_keeps_the_earlier_valid_answer(nav_form):
    session = start(nav_form)
    complete_nav(session)
    session.change(PageKey("question", "age"))
    assert answer(session, age="500").problems
    session.back()
    assert session.submission()["answers"]["age"] == 40


def test_a_change_that_opens_a_later_question_asks_it(tmp_path):
    form = make_form(tmp_path, """\
        - {type: select_one, name: employed, label: "Are you employed?", choices: yes_no, required: true}
        - {type: text, name: town, label: "Where do you live?", required: true}
        - {type: text, name: employer, label: "Who is your employer?", required: true,
           relevant: "${employed} = 'yes'"}
        """, YES_NO)
    session = start(form)
    run_to_check(session, {"employed": "no", "town": "Leeds"})
    session.change(PageKey("question", "employed"))
    page = answer(session, employed="yes")
    assert page.key == PageKey("question", "employer")


def test_a_question_dropped_and_reopened_is_asked_again(tmp_path):
    form = make_form(tmp_path, """\
        - {type: select_one, name: employed, label: "Are you employed?", choices: yes_no, required: true}
        - {type: text, name: employer, label: "Who is your employer?", required: true,
           relevant: "${employed} = 'yes'"}
        """, YES_NO)
    session = start(form)
    run_to_check(session, {"employed": "yes", "employer": "ACME"})
    session.change(PageKey("question", "employed"))
    assert answer(session, employed="no").key == CHECK  # employer dropped
    session.change(PageKey("question", "employed"))
    page = answer(session, employed="yes")
    assert page.key == PageKey("question", "employer")


# -- repeats -----------------------------------------------------------------------------------

COUNTED = """\
    - {type: integer, name: people, label: "How many people?", required: true}
    - type: repeat
      name: person
      label: Person
      repeat_count: ${people}
      children:
        - {type: text, name: person_name, label: Name, required: true}
        - {type: select_one, name: resident, label: "Lives here?", choices: yes_no, default: "yes"}
    - {type: text, name: notes, label: "Anything else?"}
    """


def test_defaults_apply_in_repeat_count_items(tmp_path):
    form = make_form(tmp_path, COUNTED, YES_NO)
    session = start(form)
    answer(session, people="2")
    page = answer(session, person_name="Ann")
    assert page.key == PageKey("question", "resident", 0)
    assert page.questions[0].value == "yes"


def test_raising_repeat_count_from_check_answers_asks_the_new_items(tmp_path):
    form = make_form(tmp_path, COUNTED, YES_NO)
    session = start(form)
    run_to_check(session, {"people": "1", "person_name": "Ann"})
    session.change(PageKey("question", "people"))
    page = answer(session, people="2")
    assert page.key == PageKey("question", "person_name", 1)


def test_lowering_repeat_count_forgets_the_dropped_items_pages(tmp_path):
    form = make_form(tmp_path, COUNTED, YES_NO)
    session = start(form)
    run_to_check(session, {"people": "2", "person_name": "Ann"})
    session.change(PageKey("question", "people"))
    assert answer(session, people="1").key == CHECK
    page = session.back()  # notes
    page = session.back()  # today: resident of item 1, which no longer exists
    assert page.key.item in (None, 0), page.key
    session.answer(page.questions[0].name, "no")
    session.continue_()  # IndexError today


def test_repeat_count_that_divides_by_zero_does_not_crash(tmp_path):
    form = make_form(tmp_path, """\
        - {type: integer, name: total, label: "Total?", required: true}
        - {type: integer, name: per_box, label: "Per box?", required: true}
        - type: repeat
          name: box
          label: Box
          repeat_count: ${total} div ${per_box}
          children:
            - {type: text, name: box_label, label: Label}
        """)
    session = start(form)
    answer(session, total="10")
    page = answer(session, per_box="0")
    assert page.kind == "check"


def test_a_repeat_opened_by_a_change_shows_its_summary(nav_form):
    session = start(nav_form)
    run_to_check(session, {"first_name": "Sam", "age": "40", "has_children": "no",
                           "street": "1 High St", "services": ["library"]})
    session.change(PageKey("question", "has_children"))
    answer(session, has_children="yes")
    answer(session, child_name="Alex")
    page = answer(session, child_age="9")
    assert page.kind == "summary"


# -- field-list groups -------------------------------------------------------------------------

def test_field_list_question_opened_on_the_same_page_is_asked(tmp_path):
    form = make_form(tmp_path, """\
        - type: group
          name: pet
          label: Your pet
          appearance: field-list
          children:
            - {type: select_one, name: has_pet, label: "Do you have a pet?", choices: yes_no, required: true}
            - {type: text, name: pet_name, label: "What is its name?", required: true,
               relevant: "${has_pet} = 'yes'"}
        - {type: text, name: town, label: Town}
        """, YES_NO)
    session = start(form)
    asked = set()
    for _ in range(10):
        page = session.page()
        if page.kind == "check":
            break
        asked.update(q.name for q in page.questions)
        if "has_pet" in {q.name for q in page.questions}:
            session.answer("has_pet", "yes")
        if "pet_name" in {q.name for q in page.questions}:
            session.answer("pet_name", "Rex")
        session.continue_()
    assert "pet_name" in asked
    session.submission()


# -- calculations ------------------------------------------------------------------------------

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


# -- loader ------------------------------------------------------------------------------------

def test_unquoted_time_default_loads(tmp_path):
    form = make_form(tmp_path, """\
        - {type: time, name: opens, label: "When do you open?", default: 10:30}
        """)
    assert str(start(form).page().questions[0].value) == "10:30:00"


# -- forms try ---------------------------------------------------------------------------------

def test_trial_does_not_call_a_repeat_count_repeat_unused(tmp_path):
    form = make_form(tmp_path, COUNTED, YES_NO)
    result = run_trial(form, {"people": 1, "person": [{"person_name": "Ann"}]},
                       clock=lambda: NOW)
    assert result.errors == []
    assert result.unused == []


def test_trial_with_no_items_submits_an_empty_repeat(tmp_path):
    form = make_form(tmp_path, """\
        - type: repeat
          name: vehicle
          label: Vehicle
          children:
            - {type: text, name: plate, label: Number plate}
        """)
    result = run_trial(form, {"vehicle": []}, clock=lambda: NOW)
    assert result.submission["answers"]["vehicle"] == []


# -- messages ----------------------------------------------------------------------------------

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


def test_field_list_error_summary_says_which_question(tmp_path):
    form = make_form(tmp_path, """\
        - type: group
          name: address
          label: What is your address?
          appearance: field-list
          children:
            - {type: text, name: street, label: Street, required: true}
            - {type: text, name: town, label: Town, required: true}
        """)
    page = start(form).continue_()
    messages = [p.message for p in page.problems]
    assert len(messages) == 2 and len(set(messages)) == 2, messages
