"""Navigation through a visit: skip logic, Back, change-and-return, repeats, submission."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk.forms.loader import load_form
from kiosk.forms.pages import CHECK, PageKey
from kiosk.forms.session import IncompleteError, Session, SessionError

FORMS = Path(__file__).parent / "data" / "forms"
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def form():
    return load_form(FORMS / "navigation.yaml")


@pytest.fixture
def session(form):
    return Session(form, "en", clock=lambda: NOW)


def answer(session, **answers):
    for name, value in answers.items():
        session.answer(name, value)
    return session.continue_()


def through_to_children(session, has_children="yes", age="40"):
    answer(session, first_name="Sam")
    answer(session, age=age)
    return answer(session, has_children=has_children)


def test_first_page_and_progress(session):
    page = session.page()
    assert page.key == PageKey("question", "first_name")
    assert page.title == "What is your first name?"
    # Answers decide which pages come (a repeat, a branch): no "Question 1 of 5" to mislead.
    assert (page.number, page.total) == (0, 0)
    assert page.first
    assert not page.can_go_back


def test_required_answer_missing_keeps_the_page_with_the_forms_message(session):
    page = session.continue_()
    assert page.key.name == "first_name"
    assert [p.message for p in page.problems] == ["Enter your first name"]
    assert page.questions[0].error == "Enter your first name"


def test_wrong_entry_is_kept_and_explained(session):
    answer(session, first_name="Sam")
    page = answer(session, age="forty")
    assert page.key.name == "age"
    assert page.questions[0].entry == "forty"
    assert page.problems[0].message == "Enter a whole number, like 12"
    page = answer(session, age="130")
    assert page.problems[0].message == "Enter a number between 0 and 120"


def test_skip_logic_leaves_out_the_repeat(session):
    page = through_to_children(session, has_children="no")
    assert page.key == PageKey("group", "address")
    assert page.number == 0 and not page.first


def test_repeat_starts_its_first_item_then_shows_a_summary(session):
    page = through_to_children(session)
    assert page.key == PageKey("question", "child_name", 0)
    page = answer(session, child_name="Alex")
    assert page.title == "How old is Alex?"
    page = answer(session, child_age="50")
    assert page.problems[0].message == "A child must be younger than you"
    page = answer(session, child_age="9")
    assert page.kind == "summary"
    assert [(i.title, i.details) for i in page.items] == [("Alex", ["9"])]
    page = session.add_item()
    assert page.key == PageKey("question", "child_name", 1)
    answer(session, child_name="Robin")
    page = answer(session, child_age="4")
    assert [i.title for i in page.items] == ["Alex", "Robin"]
    page = session.continue_()
    assert page.key == PageKey("group", "address")


def test_removing_an_item_and_editing_one_returns_to_the_summary(session):
    through_to_children(session)
    answer(session, child_name="Alex")
    answer(session, child_age="9")
    session.add_item()
    answer(session, child_name="Robin")
    answer(session, child_age="4")
    page = session.remove_item(0)
    assert [i.title for i in page.items] == ["Robin"]
    page = session.edit_item(0)
    assert page.key == PageKey("question", "child_name", 0)
    assert page.questions[0].value == "Robin"
    answer(session, child_name="Robin Lee")
    page = session.continue_()
    assert page.kind == "summary"
    assert page.items[0].title == "Robin Lee"


def test_back_goes_to_the_page_seen_before(session):
    through_to_children(session, has_children="no")
    page = session.back()
    assert page.key.name == "has_children"
    assert page.questions[0].value == "no"
    page = session.back()
    assert page.key.name == "age"
    assert page.questions[0].value == 40


def test_back_from_the_first_item_of_a_repeat_leaves_the_repeat(session):
    through_to_children(session)
    page = session.back()
    assert page.key.name == "has_children"


def complete(session, children=True):
    through_to_children(session, has_children="yes" if children else "no")
    if children:
        answer(session, child_name="Alex")
        answer(session, child_age="9")
        session.continue_()
    answer(session, street="1 High Street", town="", moved_in={"day": "2", "month": "3", "year": "2020"})
    session.continue_()  # the note
    return answer(session, services=["library", "other"])


def test_field_list_page_checks_each_answer_and_keeps_them_all(session):
    through_to_children(session, has_children="no")
    page = answer(session, street="", town="Leeds", moved_in={"day": "31", "month": "2", "year": "2020"})
    assert page.key.name == "address"
    # Several questions on one page: each default message names its question.
    assert [p.message for p in page.problems] == [
        "Street: Enter an answer", "When did you move in? Enter a real date, like 27 3 2007"]
    town = next(q for q in page.questions if q.name == "town")
    assert town.entry == "Leeds"  # shown again as entered; stored once the page passes
    assert town.value is None
    page = answer(session, street="1 High St", moved_in={"day": "1", "month": "1", "year": "2030"})
    assert [p.message for p in page.problems] == [
        "When did you move in? The date must be today or in the past"]


def test_choice_filter_depends_on_answers(form):
    adult = Session(form, "en", clock=lambda: NOW)
    complete(adult, children=False)
    adult.back()
    adult.back()
    page = adult.back()
    while page.key.name != "services":
        page = adult.continue_()
    assert [c.name for c in page.questions[0].choices] == ["library", "benefits", "other"]
    child = Session(form, "en", clock=lambda: NOW)
    answer(child, first_name="Kim")
    answer(child, age="12")
    answer(child, has_children="no")
    answer(child, street="2 Low Road")
    page = child.page()
    assert page.key.name == "services"
    assert [c.name for c in page.questions[0].choices] == ["library", "other"]
    child.answer("services", ["benefits"])
    assert child.continue_().problems[0].message == "Select one of the options shown"


def test_check_answers_lists_every_answer_with_not_provided(session):
    page = complete(session)
    assert page.key.name == "other_service"
    page = answer(session, other_service="Swimming")
    assert page.key == CHECK
    rows = {row.name: row for row in page.rows}
    assert rows["first_name"].answer == "Sam"
    assert rows["moved_in"].answer == "2 March 2020"
    assert rows["town"].answer == "Not provided" and not rows["town"].provided
    assert rows["services"].answer == "Library, Something else"
    assert rows["child_age"].section == "Child 1"
    assert "child_count" not in rows  # calculated, not something the citizen answered


def test_change_returns_to_check_answers(session):
    complete(session)
    answer(session, other_service="Swimming")
    session.change(PageKey("question", "first_name"))
    page = answer(session, first_name="Samira")
    assert page.key == CHECK
    assert {r.name: r.answer for r in page.rows}["first_name"] == "Samira"
    assert session.back().key.name == "other_service"


def test_a_change_that_opens_a_branch_asks_the_new_question_first(session):
    complete(session)
    answer(session, other_service="Swimming")
    session.change(PageKey("question", "has_children"))
    answer(session, has_children="no")  # the repeat goes away: straight back to check
    assert session.key == CHECK
    session.change(PageKey("question", "has_children"))
    page = answer(session, has_children="yes")
    assert page.key == PageKey("question", "child_name", 0)


def test_back_from_a_change_page_returns_to_check_answers(session):
    complete(session)
    answer(session, other_service="Swimming")
    session.change(PageKey("question", "age"))
    assert session.back().key == CHECK


def test_answers_that_stop_being_relevant_are_dropped(session):
    complete(session)
    answer(session, other_service="Swimming")
    session.change(PageKey("question", "services"))
    answer(session, services=["library"])
    submission = session.submission()
    assert "other_service" not in submission["answers"]
    session.change(PageKey("question", "has_children"))
    answer(session, has_children="no")
    submission = session.submission()
    assert submission["answers"]["children"] == []
    assert submission["answers"]["child_count"] == 0


def test_submission_is_typed_and_complete(session):
    complete(session)
    answer(session, other_service="Swimming")
    submission = session.submission()
    assert submission["instance_id"].startswith("uuid:")
    assert submission["form_id"] == "navigation" and submission["form_version"] == "1"
    assert submission["language"] == "en"
    assert submission["started_at"] == "2026-11-27T10:30:00+00:00"
    assert submission["instance_name"] == "Visit for Sam"
    assert submission["answers"] == {
        "first_name": "Sam",
        "age": 40,
        "has_children": "yes",
        "children": [{"child_name": "Alex", "child_age": 9}],
        "child_count": 1,
        "street": "1 High Street",
        "moved_in": "2020-03-02",
        "services": ["library", "other"],
        "other_service": "Swimming",
    }
    assert submission["receipt"] == [
        {"name": "first_name", "label": "What is your first name?", "answer": "Sam"}]


def test_submission_before_the_end_says_what_is_missing(session):
    answer(session, first_name="Sam")
    with pytest.raises(IncompleteError) as missing:
        session.submission()
    assert [p.name for p in missing.value.problems][:2] == ["age", "has_children"]


def test_answering_a_question_not_on_the_page_is_refused(session):
    with pytest.raises(SessionError):
        session.answer("age", "12")


def test_today_follows_the_clock(form):
    late = Session(form, "en", clock=lambda: datetime(2019, 1, 1, tzinfo=UTC))
    through_to_children(late, has_children="no")
    page = answer(late, street="1 High St", moved_in={"day": "1", "month": "1", "year": "2020"})
    assert page.problems[0].message == "When did you move in? The date must be today or in the past"
    assert late.now().date() == date(2019, 1, 1)


def test_change_on_one_answer_of_a_page_of_several_says_which_to_focus(session):
    complete(session)
    answer(session, other_service="Swimming")
    town = next(row for row in session.page().rows if row.name == "town")
    page = session.change(town.key, town.name)
    assert page.key == PageKey("group", "address") and page.focus == "town"
    # A wrong answer elsewhere on the page takes the focus: that is where to type now.
    page = answer(session, street="", town="Leeds")
    assert page.focus == "street"
    page = answer(session, street="2 Low Road", town="Leeds")
    assert page.key == CHECK and page.focus == ""


def test_a_page_reached_without_change_leaves_the_focus_to_the_screen(session):
    through_to_children(session, has_children="no")
    assert session.page().key == PageKey("group", "address")
    assert session.page().focus == ""
    complete_page = answer(session, street="", town="Leeds")
    assert complete_page.focus == "street"


def test_a_problem_found_on_send_opens_its_page_focused_on_it(session):
    complete(session)
    answer(session, other_service="Swimming")
    session.clock = lambda: datetime(2019, 1, 1, tzinfo=UTC)  # 2 March 2020 is now ahead
    [problem] = session.problems()
    page = session.show_problem(problem)
    assert page.key == PageKey("group", "address") and page.focus == "moved_in"
