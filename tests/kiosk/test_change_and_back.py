"""Changing an answer from check answers, and Back after it: a change asks what it opens (again
if it was dropped before), and Back never brings back an answer or a page the change undid."""

from kiosk.forms.pages import CHECK, PageKey

from .small_forms import YES_NO, answer, complete_nav, make_form, run_to_check, start


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
