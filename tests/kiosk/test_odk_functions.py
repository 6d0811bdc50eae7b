"""The XPath that ODK authors use every day works as JavaRosa (ODK Collect's engine) works it
out, in a real visit through a form: counting a repeat's items, a default that becomes
relevant, position(..), indexed-repeat(), jr:choice-name(), once(), uuid(), digest(),
boolean-from-string() and predicates. What the kiosk still cannot do is refused by name."""

import base64
import hashlib
import re
from textwrap import dedent

import pytest

from kiosk.forms.loader import FormError, load_form
from kiosk.forms.session import Session
from kiosk.forms.xpath import ExpressionError, compile_expression, evaluate
from kiosk.forms.xpath.values import Nodeset

from .small_forms import NOW, YES_NO, answer, make_form, start

EQUIPMENT = """\
    - type: repeat
      name: machine
      label: Machine
      children:
        - {type: text, name: machine_name, label: "Which machine?", required: true}
        - {type: select_one, name: state, label: "Does it work?", choices: states, required: true}
        - {type: calculate, name: number, calculation: "position(..)"}
        - type: calculate
          name: before
          calculation: "if(position(..) > 1, indexed-repeat(${machine_name}, ${machine}, position(..) - 1), 'none')"
        - {type: calculate, name: state_words, calculation: "jr:choice-name(${state}, '${state}')"}
    - {type: calculate, name: machines, calculation: "count(${machine})"}
    - {type: calculate, name: working, calculation: "count(${state}[. = 'functional'])"}
    - {type: calculate, name: first_name, calculation: "indexed-repeat(${machine_name}, ${machine}, 1)"}
    - {type: calculate, name: second_working, calculation: "${state}[2] = 'functional'"}
    """
STATES = """
choices:
  states:
    - {name: functional, label: "It works"}
    - {name: broken, label: "It is broken"}
"""


def _equipment_visit(tmp_path):
    session = start(make_form(tmp_path, EQUIPMENT, STATES))
    for name, state in (("Pump", "functional"), ("Mill", "broken"), ("Press", "functional")):
        answer(session, machine_name=name)
        answer(session, state=state)
        if name != "Press":
            session.add_item()
    session.continue_()  # the summary
    return session.submission()["answers"]


def test_repeat_items_are_counted_placed_and_read_by_index(tmp_path):
    answers = _equipment_visit(tmp_path)
    assert answers["machines"] == 3  # was 0: the repeat's own (empty) value was counted
    assert answers["working"] == 2
    assert answers["first_name"] == "Pump"
    assert answers["second_working"] == "false"
    items = answers["machine"]
    assert [item["number"] for item in items] == [1, 2, 3]
    assert [item["before"] for item in items] == ["none", "Pump", "Mill"]
    assert [item["state_words"] for item in items] == ["It works", "It is broken", "It works"]


def test_choice_name_gives_the_label_in_the_visits_language(tmp_path):
    path = tmp_path / "colours.yaml"
    path.write_text(dedent("""\
        form_id: colours
        version: "1"
        title: Colours
        default_language: en
        languages: [en, fr]
        survey:
          - {type: select_one, name: colour, label: {en: Colour, fr: Couleur}, choices: colours}
          - {type: calculate, name: colour_words, calculation: "jr:choice-name(${colour}, '${colour}')"}
        choices:
          colours:
            - {name: red, label: {en: Red, fr: Rouge}}
        """), encoding="utf-8")
    session = Session(load_form(path), "fr", clock=lambda: NOW)
    answer(session, colour="red")
    assert session.submission()["answers"]["colour_words"] == "Rouge"


def test_a_default_comes_back_when_its_question_becomes_relevant(tmp_path):
    form = make_form(tmp_path, """\
        - {type: select_one, name: has_pet, label: "Do you have a pet?", choices: yes_no, required: true}
        - {type: integer, name: pets, label: "How many?", relevant: "${has_pet} = 'yes'", default: 1}
        """, YES_NO)
    session = start(form)
    page = answer(session, has_pet="yes")
    assert page.questions[0].value == 1  # ODK shows the default: it was lost
    session.continue_()
    assert session.submission()["answers"] == {"has_pet": "yes", "pets": 1}
    session.back()
    session.back()
    answer(session, has_pet="no")
    assert "pets" not in session.submission()["answers"]


def test_once_keeps_its_first_value_and_uuid_is_a_version_4_uuid(tmp_path):
    form = make_form(tmp_path, """\
        - {type: text, name: who, label: "Your name?"}
        - {type: calculate, name: visit_key, calculation: "once(uuid())"}
        - {type: calculate, name: short_key, calculation: "uuid(8)"}
        - {type: calculate, name: first_name, calculation: "once(${who})"}
        """)
    session = start(form)
    key = session.submission()["answers"]["visit_key"]
    answer(session, who="Ann")
    session.back()
    answer(session, who="Bea")
    answers = session.submission()["answers"]
    assert answers["visit_key"] == key
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", key)
    assert re.fullmatch(r"[0-9A-Z]{8}", answers["short_key"])
    assert answers["first_name"] == "Ann"  # once: the first answer, not the change


@pytest.mark.parametrize(("expression", "expected"), [
    ("digest('abc', 'SHA-256')",
     base64.b64encode(hashlib.sha256(b"abc").digest()).decode()),
    ("digest('abc', 'sha256', 'hex')", hashlib.sha256(b"abc").hexdigest()),
    ("digest('é', 'MD5', 'HEX')", hashlib.md5("é".encode()).hexdigest()),
    ("digest('abc', 'SHA-1', 'base64')", base64.b64encode(hashlib.sha1(b"abc").digest()).decode()),
    ("boolean-from-string('true')", True),
    ("boolean-from-string('TRUE')", True),  # JavaRosa: equalsIgnoreCase
    ("boolean-from-string('1')", True),
    ("boolean-from-string('yes')", False),
    ("boolean-from-string('')", False),
    ("position(..)", 1.0),  # outside a repeat, as JavaRosa
    ("count-non-empty(${items})", 2.0),
    ("count(${items}[. != ''])", 2.0),
    ("count(${items}[position() > 1])", 2.0),
    ("sum(${numbers}[. > 2])", 7.0),
    ("substring-before('2026-11-27', '-')", "2026"),
    ("substring-after('2026-11-27', '-')", "11-27"),
    ("translate('abc', 'abc', 'AB')", "AB"),
    ("sqrt(16)", 4.0),
])
def test_functions_give_what_javarosa_gives(expression, expected):
    values = {"items": Nodeset(["a", "", "b"]), "numbers": Nodeset([1, 3, 4])}
    assert evaluate(expression, values=values) == expected


@pytest.mark.parametrize(("expression", "words"), [
    ("pulldata('prices', 'price', 'name', ${a})", "pulldata() is not supported"),
    ("instance('towns')/root/item", "instance() is not supported"),
    ("/data/a + 1", "paths such as /data/name"),
    ("../a", "paths such as /data/name"),
    ("current()/../a", "current() is not supported"),
    ("position(../a)", "paths such as /data/name"),
    ("${a}[../b = 1]", "paths such as /data/name"),
    ("jr:itext('label')", "jr:itext() is not supported"),
    ("distance(${a})", "distance() is not supported"),
    ("indexed-repeat(${a}, ${r}, 1, ${s}, 2)", "indexed-repeat() with more than one repeat is not supported"),
    ("digest(${a}, 'SHA3')", "digest() has no algorithm called 'SHA3'"),
    ("jr:choice-name(${a}, ${a})", "the question's name in quotes"),
    (".. + 1", "'..' is supported only as position(..)"),
    ("${a} = ‘other’", "‘ is a curly quote: quote texts with ' or \""),
])
def test_what_the_kiosk_cannot_do_is_named_not_a_parser_error(expression, words):
    with pytest.raises(ExpressionError) as raised:
        compile_expression(expression)
    assert words in str(raised.value)
    assert "unexpected character" not in str(raised.value)


def test_a_predicates_dot_is_not_the_questions_own(tmp_path):
    expression = compile_expression("count(${state}[. = 'functional'])")
    assert not expression.uses_current and expression.refs == {"state"}


def test_forms_check_refuses_indexed_repeat_and_choice_name_on_the_wrong_question(tmp_path):
    with pytest.raises(FormError) as raised:
        make_form(tmp_path, """\
            - {type: text, name: outside, label: "Outside?"}
            - type: repeat
              name: machine
              label: Machine
              children:
                - {type: text, name: machine_name, label: "Which?"}
            - {type: calculate, name: a, calculation: "indexed-repeat(${outside}, ${machine}, 1)"}
            - {type: calculate, name: b, calculation: "jr:choice-name(${outside}, '${outside}')"}
            """)
    message = " ".join(problem.message for problem in raised.value.problems)
    assert "${outside} is not a question of the repeat ${machine}" in message
    assert "${outside} is a text, not a select" in message


def test_position_counts_the_level_it_names_as_javarosa_does(tmp_path):
    form = make_form(tmp_path, """\
        - {type: integer, name: people, label: "How many people?", required: true}
        - type: repeat
          name: person
          label: Person
          repeat_count: ${people}
          children:
            - {type: calculate, name: place, calculation: "position(..)"}
            - type: group
              name: details
              label: Details
              children:
                - {type: text, name: person_name, label: "Name?"}
                - {type: calculate, name: in_group, calculation: "position(..)"}
                - {type: calculate, name: in_item, calculation: "position(../..)"}
        """)
    session = start(form)
    answer(session, people="2")
    items = session.submission()["answers"]["person"]
    assert [(i["place"], i["in_group"], i["in_item"]) for i in items] == [(1, 1, 1), (2, 1, 2)]
