"""A small form written by a test, and a visit driven through it as the kiosk drives one: the
helpers of the session tests that need a form of their own (tests/kiosk/data/forms has the
shared navigation form; the `nav_form` fixture loads it)."""

from datetime import UTC, datetime
from textwrap import dedent

from kiosk.forms.loader import load_form
from kiosk.forms.pages import CHECK
from kiosk.forms.session import Session

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)

YES_NO = """
choices:
  yes_no:
    - {name: "yes", label: "Yes"}
    - {name: "no", label: "No"}
"""

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
