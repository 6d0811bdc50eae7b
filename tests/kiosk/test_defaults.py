"""A question's default is its first answer: in each item of a counted repeat too, and a time
written unquoted in the form's YAML."""

from kiosk.forms.pages import PageKey

from .small_forms import COUNTED, YES_NO, answer, make_form, start


def test_defaults_apply_in_repeat_count_items(tmp_path):
    form = make_form(tmp_path, COUNTED, YES_NO)
    session = start(form)
    answer(session, people="2")
    page = answer(session, person_name="Ann")
    assert page.key == PageKey("question", "resident", 0)
    assert page.questions[0].value == "yes"


def test_unquoted_time_default_loads(tmp_path):
    form = make_form(tmp_path, """\
        - {type: time, name: opens, label: "When do you open?", default: 10:30}
        """)
    assert str(start(form).page().questions[0].value) == "10:30:00"
