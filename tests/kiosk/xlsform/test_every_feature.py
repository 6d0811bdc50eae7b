"""every_feature.xlsx: one XLSForm using every supported feature, in four languages with
Arabic, walked through as a citizen would. The OpenRosa end-to-end test reuses the file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from kiosk.forms.session import Session, SessionError
from kiosk.forms.trial import run_trial
from kiosk.forms.xlsform import import_xlsform

from . import make_every_feature

PATH = make_every_feature.PATH
ADULT = make_every_feature.ADULT


def clock():
    return datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def form():
    imported = import_xlsform(PATH)
    assert imported.warnings == []
    return imported.form


def step(session: Session, **answers):
    """Answer what is on the page and press Continue: the page shown next."""
    for name, value in answers.items():
        session.answer(name, value)
    return session.continue_()


def errors(page) -> list[str]:
    return [problem.message for problem in page.problems]


def test_the_committed_file_is_what_the_script_writes(tmp_path):
    fresh = get_xlsform(str(make_every_feature.write(tmp_path / "every_feature.xlsx")))
    committed = get_xlsform(str(PATH))
    for sheet in ("survey", "choices", "settings"):
        assert getattr(fresh, sheet) == getattr(committed, sheet), sheet


def test_it_is_plain_xlsform_that_pyxform_also_turns_into_an_odk_xform():
    result = convert(xlsform=str(PATH), validate=False)
    assert 'id="every_feature"' in result.xform and result.warnings == []


def test_a_visit_through_every_feature(form):
    session = Session(form, "en", clock=clock)
    page = session.page()
    assert (page.title, page.questions[0].hint) == ("Welcome", "This form tries every feature.")
    page = step(session)  # a note: nothing to answer

    assert (page.title, page.questions[0].hint) == ("What is your name?", "Write your first name.")
    assert errors(step(session)) == ["Enter your name"]  # required, with its message
    assert errors(step(session, visitor_name="S")) == ["Enter at least 2 letters"]
    page = step(session, visitor_name="Sam")

    assert errors(step(session, age=130)) == ["Enter an age between 0 and 120"]
    page = step(session, age=34)

    # The group without field-list asks one question a page; the default is already chosen.
    assert page.key.kind == "question" and page.title == "Which region do you live in?"
    assert page.questions[0].value == "north"
    page = step(session, region="south")
    assert [c.label for c in page.questions[0].choices] == ["Cedarford", "Dunmere"]  # filtered
    page = step(session, town="dunmere")

    assert page.questions[0].hint == "For example, 27 3 2026"
    assert errors(step(session, visit_date="2099-01-01")) == [
        "The date must be today or in the past"]
    page = step(session, visit_date="2026-11-20")

    page = step(session, topics=["housing", "other"])
    assert page.title == "What else would you like to talk about?"  # relevant on "other"
    assert page.questions[0].appearance == "multiline"
    page = step(session, topic_other="The bus timetable")

    # field-list: three questions on one page, shown because the calculation says "adult".
    assert page.key.kind == "group" and page.hint == "Only adults are asked this."
    assert [q.name for q in page.questions] == ["contact_address", "monthly_budget", "best_time"]
    assert errors(step(session, monthly_budget="-1")) == [
        "Enter your address", "Enter an amount of 0 or more"]
    page = step(session, contact_address="1 Example Road", monthly_budget="250.5",
                best_time="14:30")

    page = step(session, has_children="yes")
    assert page.title == "What is the child's first name?"  # the repeat's first item
    page = step(session, child_name="Kim")
    assert page.title == "How old is Kim?"
    assert errors(step(session, child_age=20)) == ["A child is under 18"]
    page = step(session, child_age=7)
    assert page.kind == "summary" and [item.title for item in page.items] == ["Kim"]
    page = step(session)

    assert page.questions[0].value == 1  # the default
    page = step(session, visits=2)
    office = page.questions[0]
    assert (office.read_only, office.value) == (True, "Main library")
    with pytest.raises(SessionError):
        session.answer("office", "Somewhere else")
    page = step(session)

    assert errors(step(session)) == ["Confirm that we may contact you"]
    assert step(session, consent=True).kind == "check"
    submission = session.submission()
    answers = submission["answers"]
    assert submission["instance_name"] == "Visit - Sam"
    assert (answers["is_adult"], answers["child_count"]) == ("yes", 1)  # calculations
    assert answers["children"] == [{"child_name": "Kim", "child_age": 7}]
    assert (answers["town"], answers["office"], answers["visits"]) == ("dunmere",
                                                                      "Main library", 2)


def test_the_same_visit_headless_gives_the_same_answers(form):
    result = run_trial(form, ADULT, clock=clock)
    assert result.errors == [] and result.unused == []
    assert result.submission["answers"]["monthly_budget"] == 250.5


def test_a_child_is_not_asked_the_adults_page(form):
    answers = {k: v for k, v in ADULT.items()
               if k not in ("contact_address", "monthly_budget", "best_time")}
    result = run_trial(form, dict(answers, age=12), clock=clock)
    assert result.errors == []
    assert result.submission["answers"]["is_adult"] == "no"
    assert "contact_address" not in result.submission["answers"]


@pytest.mark.parametrize(("language", "welcome", "age_error", "region"), [
    ("fr", "Bienvenue", "Saisissez un âge compris entre 0 et 120", "Sud"),
    ("es", "Bienvenido", "Introduzca una edad entre 0 y 120", "Sur"),
    ("ar", "مرحبًا", "أدخل عمرًا بين 0 و120", "الجنوب"),
])
def test_every_text_in_each_of_the_four_languages(form, language, welcome, age_error, region):
    assert form.languages == ["en", "fr", "es", "ar"]
    session = Session(form, language, clock=clock)
    assert session.page().title == welcome
    step(session)
    step(session, visitor_name="Sam")
    assert errors(step(session, age=130)) == [age_error]
    page = step(session, age=34)
    assert [c.label for c in page.questions[0].choices][1] == region
    assert run_trial(form, dict(ADULT, age=130), language=language).errors == [
        f"age: {age_error}"]
