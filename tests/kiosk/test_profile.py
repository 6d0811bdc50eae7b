"""Once only, within a visit (WCAG 2.2 SC 3.3.7): answers a citizen gave to questions with a
`profile` key are offered to the next form of the same visit, checked by that form's rules,
never saved before they are accepted on their page, and gone with the wipe."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.loader import load_form
from kiosk.forms.pages import CHECK
from kiosk.forms.problems import FormError
from kiosk.forms.profile import PROFILE_KEYS, VisitProfile, offer_rows, profile_fields
from kiosk.forms.session import Session
from kiosk.forms.snapshot import session_state

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "assets" / "forms")


def session_of(catalogue, form_id: str) -> Session:
    return Session(catalogue.get(form_id), "en", clock=lambda: NOW)


def answer(session: Session, **answers):
    for name, value in answers.items():
        session.answer(name, value)
    return session.continue_()


def through(session: Session, answers: dict, stop_at: str | None = None,
            seen: dict | None = None) -> None:
    """Answer page after page from `answers` (a box already showing an answer is kept as it
    is), up to check answers or the page named `stop_at`; `seen` gets what each box showed."""
    for _ in range(100):
        page = session.page()
        if page.key == CHECK or page.key.name == stop_at:
            return
        for question in page.questions:
            if seen is not None:
                seen[question.name] = question.entry
            if question.name in answers and question.entry in (None, "", []):
                session.answer(question.name, answers[question.name])
        session.continue_()
        if session.key == page.key and page.key.kind != "summary":
            raise AssertionError([p.message for p in session.page().problems])
    raise AssertionError("never reached the end")


REPORT = {"category": "graffiti", "problem_detail": "graffiti_public_property",
          "location": "Bus shelter by the library", "urgency": "not_urgent",
          "contact_name": "Sam Jones", "contact_phone": "01632 960 001"}
HOUSING = {"full_name": "Jo Other", "date_of_birth": {"day": "2", "month": "4", "year": "1980"},
           "housing_situation": "renting_privately", "lives_with_others": "no",
           "monthly_income": "0", "receives_benefits": "no", "phone": "07700 900222",
           "declaration": "yes"}


def write_form(folder: Path, survey: list[dict], name: str = "form.yaml") -> Path:
    form = {"form_id": "small", "version": "1", "title": "A test service",
            "default_language": "en", "languages": ["en"], "survey": survey}
    path = folder / name
    path.write_text(yaml.safe_dump(form, sort_keys=False), encoding="utf-8")
    return path


def refusal(path: Path):
    with pytest.raises(FormError) as raised:
        load_form(path)
    return raised.value.problems


# -- the sample forms ------------------------------------------------------------------------
def test_the_sample_forms_declare_their_personal_questions(catalogue):
    keys = {form_id: {f.name: f.spec.profile for f in profile_fields(catalogue.get(form_id))}
            for form_id in ("renew_driving_licence", "housing_assistance", "report_problem",
                            "feedback_services")}
    assert keys["housing_assistance"] == {"full_name": "full_name",
                                          "date_of_birth": "date_of_birth", "phone": "phone"}
    assert keys["report_problem"] == {"contact_name": "full_name", "contact_phone": "phone"}
    assert set(keys["renew_driving_licence"].values()) == {
        "full_name", "date_of_birth", "address_line_1", "address_line_2", "town", "postcode",
        "phone", "email"}
    assert set(keys["feedback_services"].values()) == {"full_name", "email", "phone"}


# -- carried to the next form -----------------------------------------------------------------
def test_answers_given_in_one_form_are_offered_to_the_next_and_sent_once_accepted(catalogue):
    profile = VisitProfile()
    report = session_of(catalogue, "report_problem")
    through(report, REPORT)
    profile.remember(report)

    housing = session_of(catalogue, "housing_assistance")
    offer = profile.offer(housing.form)
    assert offer == {"full_name": "Sam Jones", "phone": "01632960001"}
    assert offer_rows(housing.form, offer, "es") == [
        ("¿Cuál es su nombre completo?", "Sam Jones"),
        ("¿Cuál es su número de teléfono?", "01632960001")]
    housing.offer_answers(offer)
    page = housing.page()
    assert page.key.name == "full_name"
    assert page.questions[0].entry == "Sam Jones"  # in the box, ready to keep or change
    # Not an answer until its page is continued.
    assert "Sam Jones" not in [row.answer for row in housing.check_answers()]
    page = housing.continue_()  # kept as it is: Continue alone
    assert page.key.name == "date_of_birth"
    assert page.questions[0].entry is None  # never given in this visit: empty as usual
    shown: dict = {}
    through(housing, HOUSING, seen=shown)
    assert shown["phone"] == "01632960001"  # offered, and kept with Continue alone
    rows = {row.name: row.answer for row in housing.check_answers()}
    assert rows["full_name"] == "Sam Jones" and rows["phone"] == "01632960001"
    answers = housing.submission()["answers"]
    assert answers["full_name"] == "Sam Jones" and answers["phone"] == "01632960001"
    assert answers["date_of_birth"] == "1980-04-02"


def test_the_new_forms_own_rules_check_an_offered_answer(tmp_path):
    first = load_form(write_form(tmp_path, [
        {"type": "text", "name": "name", "label": "Your name?", "profile": "full_name"}],
        "first.yaml"))
    strict = load_form(write_form(tmp_path, [
        {"type": "text", "name": "who", "label": "Name?", "profile": "full_name",
         "constraint": "string-length(.) <= 5", "constraint_message": "Five letters at most"}],
        "strict.yaml"))
    given = Session(first, "en")
    answer(given, name="Alexandra")
    profile = VisitProfile()
    profile.remember(given)
    session = Session(strict, "en")
    session.offer_answers(profile.offer(strict))
    page = session.continue_()
    assert page.key.name == "who"
    assert [p.message for p in page.problems] == ["Five letters at most"]
    assert page.questions[0].entry == "Alexandra"  # still there to correct
    page = answer(session, who="Alex")
    assert page.key == CHECK
    assert session.submission()["answers"] == {"who": "Alex"}


def test_a_changed_answer_is_the_one_kept_and_offered_next(catalogue):
    profile = VisitProfile()
    report = session_of(catalogue, "report_problem")
    through(report, REPORT)
    profile.remember(report)
    feedback = session_of(catalogue, "feedback_services")
    feedback.offer_answers(profile.offer(feedback.form))
    through(feedback, {"service": "libraries", "rating": "4", "what_was_good": ["quick"],
                       "wants_reply": "yes"}, stop_at="contact")
    shown = {q.name: q.entry for q in feedback.page().questions}
    assert shown == {"contact_name": "Sam Jones", "contact_email": None,
                     "contact_phone": "01632960001"}
    answer(feedback, contact_name="Sam Jones-Ali", contact_email="sam@example.com")
    profile.remember(feedback)
    assert profile.offer(catalogue.get("housing_assistance")) == {
        "full_name": "Sam Jones-Ali", "phone": "01632960001"}
    assert profile.offer(catalogue.get("renew_driving_licence")) == {
        "full_name": "Sam Jones-Ali", "phone": "01632960001", "email": "sam@example.com"}


def test_a_form_left_with_its_answers_deleted_takes_its_details_with_it(catalogue):
    profile = VisitProfile()
    report = session_of(catalogue, "report_problem")
    through(report, REPORT)
    profile.remember(report)  # sent: kept for the visit
    feedback = session_of(catalogue, "feedback_services")
    feedback.offer_answers(profile.offer(feedback.form))
    through(feedback, {"service": "libraries", "rating": "4", "what_was_good": ["quick"],
                       "wants_reply": "yes"}, stop_at="contact")
    answer(feedback, contact_name="Someone Else", contact_email="else@example.com")
    profile.remember(feedback)
    profile.forget(feedback)  # "Yes, leave and delete my answers"
    assert profile.offer(catalogue.get("renew_driving_licence")) == {
        "full_name": "Sam Jones", "phone": "01632960001"}


def test_only_pages_continued_count_not_a_box_typed_into_and_left(catalogue):
    profile = VisitProfile()
    housing = session_of(catalogue, "housing_assistance")
    housing.answer("full_name", "Sam Jones")  # typed, then the citizen went back to the list
    profile.remember(housing)
    assert not profile
    assert profile.offer(catalogue.get("report_problem")) == {}


def test_an_answer_waits_for_its_question_to_become_relevant(tmp_path):
    path = write_form(tmp_path, [
        {"type": "text", "name": "name", "label": "Name?", "profile": "full_name"},
        {"type": "acknowledge", "name": "post", "label": "Send it by post"},
        {"type": "text", "name": "town", "label": "Town?", "profile": "town",
         "relevant": "${post} = true()"}])
    form = load_form(path)
    session = Session(form, "en")
    session.offer_answers({"name": "Sam", "town": "Leeds"})
    page = session.continue_()
    assert page.key.name == "post"
    page = answer(session, post="yes")
    assert page.key.name == "town" and page.questions[0].entry == "Leeds"
    assert session.continue_().key == CHECK
    assert session.submission()["answers"] == {"name": "Sam", "post": True, "town": "Leeds"}


def test_an_offered_answer_cleared_on_its_page_stays_cleared(tmp_path):
    form = load_form(write_form(tmp_path, [
        {"type": "email", "name": "email", "label": "Email?", "profile": "email"},
        {"type": "text", "name": "town", "label": "Town?", "profile": "town"}]))
    session = Session(form, "en")
    session.offer_answers({"email": "sam@example.com", "town": "Leeds"})
    answer(session, email="")  # the citizen emptied the box: no email for this form
    assert session.page().questions[0].entry == "Leeds"
    page = session.back()
    assert page.key.name == "email" and page.questions[0].entry is None
    session.continue_()
    assert session.continue_().key == CHECK
    assert session.submission()["answers"] == {"town": "Leeds"}


def test_a_date_of_birth_goes_across_as_a_date(catalogue):
    profile = VisitProfile()
    housing = session_of(catalogue, "housing_assistance")
    answer(housing, full_name="Sam Jones")
    answer(housing, date_of_birth={"day": "2", "month": "4", "year": "1980"})
    profile.remember(housing)
    licence = catalogue.get("renew_driving_licence")
    offer = profile.offer(licence)
    assert offer == {"full_name": "Sam Jones", "date_of_birth": date(1980, 4, 2)}
    assert ("What is your date of birth?", "2 April 1980") in offer_rows(licence, offer, "en")


# -- nothing on disk before it is accepted, nothing after the wipe ------------------------
def test_an_offered_answer_is_not_in_the_saved_draft_until_accepted_on_its_page(catalogue):
    profile = VisitProfile()
    housing = session_of(catalogue, "housing_assistance")
    answer(housing, full_name="Sam Jones")
    answer(housing, date_of_birth={"day": "2", "month": "4", "year": "1980"})
    profile.remember(housing)
    licence = session_of(catalogue, "renew_driving_licence")
    licence.offer_answers(profile.offer(licence.form))
    licence.continue_()  # the introduction
    answer(licence, licence_number="204817365")
    saved = repr(session_state(licence))
    assert "Sam Jones" not in saved and "1980" not in saved
    assert licence.page().questions[0].entry == "Sam Jones"
    licence.continue_()
    assert "Sam Jones" in repr(session_state(licence))


def test_the_wipe_drops_everything_and_the_profile_never_shows_its_answers(catalogue):
    profile = VisitProfile()
    housing = session_of(catalogue, "housing_assistance")
    answer(housing, full_name="Sam Jones")
    profile.remember(housing)
    assert profile and "Sam Jones" not in repr(profile) and "full_name" in repr(profile)
    profile.clear()
    assert not profile
    assert profile.offer(catalogue.get("report_problem")) == {}


# -- what a form may declare ------------------------------------------------------------------
def test_a_profile_key_on_a_question_of_the_wrong_type_is_refused_by_name(tmp_path):
    path = write_form(tmp_path, [
        {"type": "text", "name": "birthday", "label": "When were you born?",
         "profile": "date_of_birth"}])
    problems = refusal(path)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.question, problem.column) == ("birthday", "profile")
    assert "'date_of_birth' is only for date questions, not text" in problem.message
    assert str(problem).startswith(f"{path}:")
    assert "question 'birthday', column 'profile'" in str(problem)


@pytest.mark.parametrize(("question", "words"), [
    ({"type": "text", "name": "q", "label": "Q", "profile": "fullname"},
     "'fullname' is not a profile key (did you mean 'full_name'?)"),
    ({"type": "email", "name": "q", "label": "Q", "profile": "phone"},
     "'phone' is only for phone questions, not email"),
    ({"type": "text", "name": "q", "label": "Q", "profile": "town", "read_only": True,
      "calculation": "'Leeds'"}, "a read_only or calculated question cannot"),
])
def test_other_profile_mistakes_are_refused_with_words(tmp_path, question, words):
    problems = refusal(write_form(tmp_path, [question]))
    assert any(words in p.message and p.column == "profile" and p.question == "q"
               for p in problems), [str(p) for p in problems]


def test_a_key_on_two_questions_or_inside_a_repeat_is_refused(tmp_path):
    problems = refusal(write_form(tmp_path, [
        {"type": "phone", "name": "home", "label": "Home phone?", "profile": "phone"},
        {"type": "phone", "name": "work", "label": "Work phone?", "profile": "phone"},
        {"type": "repeat", "name": "people", "label": "Person", "children": [
            {"type": "text", "name": "member", "label": "Name?", "profile": "full_name"}]}]))
    messages = {p.question: p.message for p in problems}
    assert "already on the question 'home'" in messages["work"]
    assert "inside a repeat" in messages["member"]


def test_every_key_names_a_type_the_kiosk_has():
    from kiosk.forms.model import QUESTION_TYPES

    assert set(PROFILE_KEYS.values()) <= set(QUESTION_TYPES)
