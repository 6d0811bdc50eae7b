"""Repeats counted by an answer (repeat_count): items asked, added and dropped as the count
changes, a count that cannot be worked out, and a repeat a change opens."""

from kiosk.forms.pages import CHECK, PageKey

from .small_forms import COUNTED, YES_NO, answer, make_form, run_to_check, start


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
