"""What ODK accepts and a kiosk can serve imports: pyxform's own expansions (or_other, loops,
phone number, hidden), the metadata rows ODK fills in itself, the columns and settings authors
keep for themselves, and what only lays a form out, which the kiosk ignores with a warning that
names it. What reaches the server keeps the element names pyxform gives the form."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from pyxform.xls2xform import convert

from kiosk.forms.session import Session
from kiosk.forms.trial import run_trial
from kiosk.forms.xlsform import import_xlsform
from sync.openrosa.instance import instance_xml

HEAD = ["type", "name", "label::English (en)"]
SETTINGS = [["form_id", "version", "default_language"], ["visit", "1", "English (en)"]]
COLOURS = [["list_name", "name", "label::English (en)"], ["colours", "red", "Red"],
           ["colours", "blue", "Blue"]]
VISIT_DAY = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)


def warnings_of(imported) -> list[str]:
    return [str(w) for w in imported.warnings]


def sent_paths(form, answers) -> list[str]:
    """The element paths of the instance the kiosk would send for these answers."""
    result = run_trial(form, answers, clock=lambda: VISIT_DAY)
    assert result.errors == [] and result.submission is not None
    xml, _ = instance_xml(form, result.submission)
    return _paths(ET.fromstring(xml))


def pyxform_paths(path) -> list[str]:
    """The element paths of the primary instance in pyxform's own XForm of the workbook."""
    xform = ET.fromstring(convert(xlsform=str(path), validate=False).xform)
    model = next(e for e in xform.iter() if e.tag.endswith("}model"))
    instance = next(e for e in model if e.tag.endswith("}instance") and not e.get("id"))
    return _paths(next(iter(instance)))


def _paths(root: ET.Element) -> list[str]:
    found = []

    def walk(element: ET.Element, where: str) -> None:
        for child in element:
            tag = child.tag.split("}")[-1]
            if tag == "meta":
                continue
            found.append(f"{where}/{tag}")
            walk(child, f"{where}/{tag}")
    walk(root, "")
    return found


def test_or_other_adds_an_other_choice_and_asks_what_it_is(xlsform):
    path = xlsform([HEAD, ["select_one colours or_other", "colour", "Favourite colour?"]],
                   COLOURS, SETTINGS)
    form = import_xlsform(path).form
    session = Session(form)
    assert [c.label for c in session.page().questions[0].choices] == ["Red", "Blue", "Other"]
    session.answer("colour", "other")
    assert session.continue_().title == "Specify other."
    result = run_trial(form, {"colour": "other", "colour_other": "Teal"})
    assert result.errors == []
    assert result.submission["answers"] == {"colour": "other", "colour_other": "Teal"}
    assert sent_paths(form, {"colour": "other", "colour_other": "Teal"}) == pyxform_paths(path)


def test_or_other_s_question_is_not_asked_for_a_listed_choice(xlsform):
    form = import_xlsform(xlsform([HEAD, ["select_one colours or_other", "colour", "Colour?"]],
                                  COLOURS, SETTINGS)).form
    result = run_trial(form, {"colour": "red"})
    assert result.submission["answers"]["colour"] == "red"
    assert result.submission["answers"].get("colour_other") in (None, "")


def test_phone_number_is_text_of_digits_as_pyxform_makes_it(xlsform):
    path = xlsform([HEAD, ["phone number", "phone", "Your phone number"]], settings=SETTINGS)
    form = import_xlsform(path).form
    assert Session(form).page().questions[0].hint == "Enter numbers only."
    assert run_trial(form, {"phone": "01632960001"}).errors == []
    assert run_trial(form, {"phone": "call me"}).errors != []
    assert sent_paths(form, {"phone": "01632960001"}) == pyxform_paths(path)


def test_a_loop_asks_its_questions_once_per_choice_with_the_choice_s_label(xlsform):
    survey = [HEAD, ["begin loop over colours", "paint", "Paint"],
              ["integer", "tins", "How many tins of %(label)s?"], ["end loop"]]
    imported = import_xlsform(xlsform(survey, COLOURS, SETTINGS))
    form = imported.form
    session = Session(form)
    titles = [session.page().title]
    session.answer("red_tins", "2")
    titles.append(session.continue_().title)
    assert titles == ["How many tins of Red?", "How many tins of Blue?"]
    answers = run_trial(form, {"red_tins": 2, "blue_tins": 0}).submission["answers"]
    assert answers == {"red_tins": 2, "blue_tins": 0}


def test_hidden_is_sent_empty_and_never_asked(xlsform):
    path = xlsform([HEAD, ["hidden", "batch"], ["text", "visitor_name", "Your name"]],
                   settings=SETTINGS)
    form = import_xlsform(path).form
    assert Session(form).page().title == "Your name"
    answers = {"visitor_name": "Sam"}
    assert run_trial(form, answers).submission["answers"].get("batch") in (None, "")
    assert sent_paths(form, answers) == pyxform_paths(path)


def test_metadata_rows_are_never_asked_today_is_filled_and_the_rest_left_out(xlsform):
    survey = [HEAD, ["start", "start"], ["end", "end"], ["today", "today"],
              ["deviceid", "deviceid"], ["username", "username"], ["email", "email"],
              ["audit", "audit"], ["calculate", "__version__", None],
              ["text", "visitor_name", "Your name"]]
    survey = [[*row, *([None] * (3 - len(row)))] for row in survey]
    survey[0].append("calculation")
    survey[8].append("'vT7mQ'")
    imported = import_xlsform(xlsform(survey, settings=SETTINGS))
    form = imported.form
    assert Session(form).page().title == "Your name"
    result = run_trial(form, {"visitor_name": "Sam"}, clock=lambda: VISIT_DAY)
    assert result.submission["answers"] == {"today": "2026-03-04", "__version__": "vT7mQ",
                                            "visitor_name": "Sam"}
    told = warnings_of(imported)
    assert told[0] == ('survey sheet, row 2, column "type": warning: "start" is ODK metadata the '
                       "kiosk does not send (the kiosk records when each visit started and "
                       "finished itself); the row is left out")
    assert 'survey sheet, row 4, column "type": warning: "today" is filled in by the kiosk ' \
           "with the date of the visit" in told
    assert [w.split(",")[1] for w in told if "ODK metadata" in w] == [
        " row 2", " row 3", " row 5", " row 6", " row 7", " row 8"]


def test_email_with_a_label_is_still_the_kiosk_s_email_question(xlsform):
    form = import_xlsform(xlsform([HEAD, ["email", "contact", "Your email"]],
                                  settings=SETTINGS)).form
    assert form.fields["contact"].type == "email"


def test_what_reads_metadata_left_out_is_refused_by_row(refused):
    assert refused([[*HEAD, "relevant"], ["start", "start", None, None],
                    ["text", "late", "Why late?", "${start} > '10:00'"]],
                   settings=SETTINGS) == [
        'survey sheet, row 3, column "relevant": ${start} is ODK metadata the kiosk does not '
        "send (row 2): write this without it"]


def test_author_notes_and_comment_rows_are_left_out_with_a_warning(xlsform):
    survey = [["_Category", "type", "name", "label::English (en)", "notes"],
              ["About the farmer", None, None, None, None],
              [None, "text", "farmer", "Farmer's name", "ask for both names"]]
    imported = import_xlsform(xlsform(survey, settings=SETTINGS))
    assert list(imported.form.fields) == ["farmer"]
    assert warnings_of(imported) == [
        'survey sheet, row 2, column "_Category": warning: "_Category" is ignored: not a column '
        "XLSForm knows, so it is ignored, as ODK ignores it",
        'survey sheet, row 3, column "notes": warning: "notes" is ignored: not a column XLSForm '
        "knows, so it is ignored, as ODK ignores it"]


@pytest.mark.parametrize("row", [[None, "orphan", "Orphan"], [None, None, "Section two"]])
def test_a_row_with_a_name_or_label_but_no_type_is_refused_as_pyxform_refuses_it(refused, row):
    assert refused([HEAD, ["text", "visitor_name", "Your name"], row],
                   settings=SETTINGS) == ['survey sheet, row 3, column "type": the row has no type']


def test_a_misspelt_column_is_ignored_as_odk_ignores_it_with_the_likely_one(xlsform):
    imported = import_xlsform(xlsform([[*HEAD, "relevent"], ["text", "a", "A", None],
                                       ["text", "b", "B", "${a} = 'x'"]], settings=SETTINGS))
    assert imported.form.fields["b"].spec.relevant is None
    assert warnings_of(imported) == [
        'survey sheet, row 3, column "relevent": warning: "relevent" is ignored: not a column '
        'XLSForm knows, so it is ignored, as ODK ignores it (did you mean "relevant"?)']


def test_groups_and_repeats_without_a_label(xlsform):
    survey = [HEAD, ["begin group", "about"], ["text", "visitor_name", "Your name"],
              ["end group"], ["begin repeat", "people"], ["text", "person", "Name"],
              ["end repeat"]]
    form = import_xlsform(xlsform(survey, settings=SETTINGS)).form
    assert run_trial(form, {"visitor_name": "Sam", "people": [{"person": "Jo"}]}).errors == []


@pytest.mark.parametrize(("appearance", "type_"), [
    ("minimal", "select_one colours"), ("horizontal-compact", "select_one colours"),
    ("likert", "select_one colours"), ("quick", "select_one colours"),
    ("autocomplete", "select_one colours"), ("numbers", "text"), ("w2", "begin group"),
    ("no-calendar", "date"),
])
def test_a_layout_only_appearance_is_ignored_with_a_warning_naming_it(xlsform, appearance,
                                                                        type_):
    rows = [[*HEAD, "appearance"], [type_, "thing", "Thing", appearance]]
    if type_ == "begin group":
        rows += [["text", "inside", "Inside", None], ["end group"]]
    imported = import_xlsform(xlsform(rows, COLOURS, SETTINGS))
    assert imported.form.fields["thing"].spec.appearance is None
    assert warnings_of(imported) == [
        f'survey sheet, row 2, column "appearance": warning: the appearance "{appearance}" is '
        "ignored: it only changes how ODK lays the question out, and the kiosk shows one "
        "question a page with its choices as tiles"]


def test_a_table_list_is_one_page_as_pyxform_makes_it_a_field_list(xlsform):
    rows = [[*HEAD, "hint", "appearance"],
            ["begin group", "rooms", "Rooms", "One row a room", "table-list"],
            ["select_one colours", "walls", "Walls", None, None],
            ["select_one colours", "door", "Door", None, None], ["end group"]]
    imported = import_xlsform(xlsform(rows, COLOURS, SETTINGS))
    form = imported.form
    assert form.fields["rooms"].spec.appearance == "field-list"
    page = Session(form).page()  # the table's label and hint, then its questions: one page
    assert [(q.name, q.label, q.hint) for q in page.questions] == [
        ("generated_table_list_label_2", "Rooms", "One row a room"), ("walls", "Walls", ""),
        ("door", "Door", "")]
    assert warnings_of(imported) == [
        'survey sheet, row 2, column "appearance": warning: the appearance "table-list" is '
        'shown as "field-list": the questions on one page, each with its own tiles, not as a '
        "table"]


def test_field_list_is_kept_beside_a_layout_word(xlsform):
    rows = [[*HEAD, "appearance"], ["begin group", "about", "About", "field-list w2"],
            ["text", "a", "A", None], ["text", "b", "B", None], ["end group"]]
    form = import_xlsform(xlsform(rows, settings=SETTINGS)).form
    assert form.fields["about"].spec.appearance == "field-list"


@pytest.mark.parametrize(("header", "value"), [
    ("style", "pages"), ("name", "household"), ("xml_root", "household"), ("title", "A visit"),
    ("id_string", "visit"), ("clean_text_values", "yes"), ("omit_instanceID", "FALSE"),
])
def test_settings_odk_accepts(xlsform, header, value):
    settings = [[*SETTINGS[0], header], [*SETTINGS[1], value]]
    imported = import_xlsform(xlsform([HEAD, ["text", "visitor_name", "Your name"]],
                                      settings=settings))
    assert imported.form.form_id == "visit"


def test_a_form_without_a_version_is_sent_without_one_as_odk_sends_it(xlsform):
    form = import_xlsform(xlsform([HEAD, ["text", "visitor_name", "Your name"]],
                                  settings=[["form_id"], ["visit"]])).form
    assert form.version == ""


def test_choice_duplicates_when_the_settings_allow_them(xlsform):
    survey = [[*HEAD, "choice_filter"], ["select_one states", "state", "State", None],
              ["select_one counties", "county", "County", "${state}=cf"]]
    choices = [["list_name", "name", "label::English (en)", "cf"],
               ["states", "texas", "Texas", None], ["states", "washington", "Washington", None],
               ["counties", "king", "King", "washington"], ["counties", "king", "King", "texas"],
               ["counties", "cameron", "Cameron", "texas"]]
    settings = [[*SETTINGS[0], "allow_choice_duplicates"], [*SETTINGS[1], "yes"]]
    form = import_xlsform(xlsform(survey, choices, settings)).form
    session = Session(form)
    session.answer("state", "texas")
    assert [c.label for c in session.continue_().questions[0].choices] == ["King", "Cameron"]
    assert run_trial(form, {"state": "texas", "county": "king"}).errors == []


def test_an_unused_list_of_pictures_only_is_left_out_with_a_warning(xlsform):
    choices = [["list_name", "name", "label::English (en)", "image"],
               ["colours", "red", "Red", None], ["faces", "happy", None, "happy.png"]]
    imported = import_xlsform(xlsform([HEAD, ["select_one colours", "colour", "Colour"]],
                                      choices, SETTINGS))
    assert list(imported.form.definition.choices) == ["colours"]
    assert warnings_of(imported) == [
        'choices sheet, row 3, column "image": warning: "image" is ignored: pictures and sound '
        "are not shown on the kiosk; the words are",
        'choices sheet, row 3, column "label::English (en)": warning: the list "faces" is used by '
        "no question and has choices without a label; it is left out"]


def test_an_answer_in_a_choice_label_is_shown_on_the_tile(xlsform):
    survey = [HEAD, ["text", "first", "First name"], ["select_one names", "name", "Who?"]]
    choices = [["list_name", "name", "label::English (en)"], ["names", "first", "${first}"],
               ["names", "nobody", "Nobody"]]
    form = import_xlsform(xlsform(survey, choices, SETTINGS)).form
    session = Session(form)
    session.answer("first", "Amira")
    assert [c.label for c in session.continue_().questions[0].choices] == ["Amira", "Nobody"]
    session.answer("name", "first")
    session.continue_()
    assert [(row.name, row.answer) for row in session.check_answers()] == [
        ("first", "Amira"), ("name", "Amira")]


def test_a_workbook_whose_only_sheet_is_sheet1_is_its_survey(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in (["type", "name", "label"], ["text", "state", "The state"]):
        sheet.append(row)
    book.save(tmp_path / "plain.xlsx")
    form = import_xlsform(tmp_path / "plain.xlsx").form
    assert Session(form).page().title == "The state"


@pytest.mark.parametrize(("type_", "inside", "outside"), [
    ("percentage", 100, 101), ("number of days in last month", 31, 32),
    ("q int", 1000, "many"), ("add integer prompt", 7, "seven"),
])
def test_pyxform_s_other_number_types_are_asked_as_pyxform_builds_them(xlsform, type_, inside,
                                                                       outside):
    form = import_xlsform(xlsform([HEAD, [type_, "amount", "How many?"]],
                                  settings=SETTINGS)).form
    assert form.fields["amount"].type == "integer"
    assert run_trial(form, {"amount": inside}).errors == []
    assert run_trial(form, {"amount": outside}).errors != []
