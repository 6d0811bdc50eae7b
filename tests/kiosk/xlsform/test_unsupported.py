"""Whatever the kiosk cannot serve (a GPS, a camera, files, SMS, another app) is refused,
naming the sheet, the row and the column, so the author can find it in the spreadsheet, and
saying what to write instead. What ODK accepts and only lays out differently is accepted with
a warning: see test_odk_accepts.py."""

from __future__ import annotations

import pytest

from kiosk.forms.xlsform import XLSFormError, import_xlsform

HEAD = ["type", "name", "label::English (en)"]
FIRST = ["text", "visitor_name", "Your name"]  # row 2 of every survey below


def survey_with(row: list, head=HEAD) -> list:
    """A survey whose row 3 is `row`."""
    return [head, FIRST, row]


UNSUPPORTED_TYPES = [
    ("geopoint", "the kiosk has no GPS or map"),
    ("geotrace", "the kiosk has no GPS or map"),
    ("image", "the kiosk has no camera"),
    ("audio", "the kiosk does not record sound or video"),
    ("video", "the kiosk does not record sound or video"),
    ("file", "the kiosk cannot receive files"),
    ("barcode", "the kiosk has no scanner"),
    ("dateTime", "ask for the date and the time as two questions"),
    ("range", "use integer with a constraint"),
    ("rank colours", "use select_multiple"),
    ("select_one_from_file towns.csv", "put the choices on the choices sheet"),
    ("select_one_external towns", "use select_one with a choice_filter"),
    ("include", "copy the rows in"),
]


@pytest.mark.parametrize(("type_", "reason"), UNSUPPORTED_TYPES)
def test_an_unsupported_question_type_names_its_row(refused, type_, reason):
    problems = refused(survey_with([type_, "thing", "Thing"]))
    expected = f'survey sheet, row 3, column "type": "{type_}" is not supported on the kiosk'
    assert any(p.startswith(expected) for p in problems), problems
    if reason:
        assert any(reason in p for p in problems), problems


def test_the_message_from_the_issue_word_for_word(refused):
    survey = [HEAD, FIRST, ["integer", "age", "Age"], ["note", "n1", "Hello"],
              ["text", "town", "Town"], ["date", "when", "When"], ["geopoint", "where", "Where"]]
    problems = refused(survey)
    assert problems[0].startswith(
        'survey sheet, row 7, column "type": "geopoint" is not supported on the kiosk')


def test_a_refused_question_is_reported_once_not_again_where_it_is_read(refused):
    survey = [[*HEAD, "relevant"], [*FIRST, None], ["geopoint", "where", "Where?", None],
              ["text", "landmark", "Nearest landmark", "${where} = ''"]]
    problems = refused(survey)
    assert len(problems) == 1 and problems[0].startswith('survey sheet, row 3, column "type"')


def test_a_misspelt_type_suggests_the_right_one(refused):
    problems = refused(survey_with(["txt", "thing", "Thing"]))
    assert problems == ['survey sheet, row 3, column "type": "txt" is not a question type '
                        '(did you mean "text"?)']


@pytest.mark.parametrize(("header", "value", "message"), [
    ("trigger", "${visitor_name}", "triggers are not supported on the kiosk"),
    ("bind::odk:length", "5", "custom bind attributes are not supported on the kiosk"),
    ("instance::odk:tag", "x", "attributes on the answer are not supported on the kiosk"),
    ("sms_field", "nm", "SMS columns are not supported on the kiosk"),
    ("relevant::English (en)", "${visitor_name} != ''",
     '"relevant" is the same in every language'),
])
def test_an_unsupported_column_names_the_first_row_using_it(refused, header, value, message):
    survey = [[*HEAD, header], [*FIRST, None], ["text", "town", "Town", value],
              ["text", "street", "Street", value]]
    problems = refused(survey)
    assert f'survey sheet, row 3, column "{header}": {message}' in problems[0], problems
    assert "(also on 1 more row)" in problems[0]


def test_an_empty_unsupported_column_loses_nothing_and_is_accepted(xlsform):
    path = xlsform([[*HEAD, "media::image::English (en)", "guidance_hint"], FIRST])
    assert import_xlsform(path).form.fields["visitor_name"].spec.label == "Your name"


@pytest.mark.parametrize(("appearance", "type_", "instead"), [
    ("month-year", "date", "ask for the whole date"),
    ("search('towns')", "select_one yes_no", "put the choices on the choices sheet"),
    ("ex:org.example.app(x=1)", "text", "cannot open another app"),
    ("image-map", "select_one yes_no", "shows no pictures"),
    ("placement-map", "select_one yes_no", "has no map"),
])
def test_an_appearance_the_kiosk_cannot_serve_is_refused(refused, appearance, type_, instead):
    head = [*HEAD, "appearance"]
    rows = [head, [*FIRST, None], [type_, "thing", "Thing", appearance]]
    problems = refused(rows, choices=[["list_name", "name", "label::English (en)"],
                                      ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f'survey sheet, row 3, column "appearance": the appearance '
                                  f'"{appearance}" is not supported on the kiosk: ')
    assert instead in problems[0]


def test_read_only_must_be_yes_or_no(refused):
    problems = refused([[*HEAD, "read_only"], [*FIRST, None],
                        ["text", "town", "Town", "${visitor_name} = 'Sam'"]])
    assert problems == ['survey sheet, row 3, column "read_only": read_only must be yes or no '
                        "(found \"${visitor_name} = 'Sam'\")"]


def test_a_default_worked_out_from_an_expression_is_refused(refused):
    problems = refused([[*HEAD, "default"], [*FIRST, None], ["date", "when", "When", "today()"]])
    assert problems == ['survey sheet, row 3, column "default": a default worked out from an '
                        "expression is not supported on the kiosk; use a calculation"]


def test_a_choice_with_only_a_picture_in_a_list_a_question_uses(refused):
    problems = refused(survey_with(["select_one faces", "face", "How do you feel?"]),
                       choices=[["list_name", "name", "label::English (en)", "image"],
                                ["faces", "happy", None, "happy.png"],
                                ["faces", "sad", "Sad", "sad.png"]])
    assert problems == ['choices sheet, row 2, column "label::English (en)": the choice has no '
                        "label (only a picture or nothing): the kiosk shows words, not pictures; "
                        "give it a label"]


@pytest.mark.parametrize(("header", "value", "message"), [
    ("omit_instanceID", "yes", "the kiosk always sends the instance ID"),
    ("add_none_option", "TRUE", 'add a "none" choice to the list instead'),
    ("sms_keyword", "inf", "SMS columns are not supported on the kiosk"),
])
def test_a_setting_the_kiosk_cannot_serve_names_its_column(refused, header, value, message):
    settings = [["form_id", "version", "default_language", header],
                ["test_form", "1", "English (en)", value]]
    problems = refused([HEAD, FIRST], settings=settings)
    assert problems == [f'settings sheet, row 2, column "{header}": {message}']


def test_a_second_settings_row_would_be_ignored_so_it_is_refused(refused):
    settings = [["form_id", "version", "default_language"], ["test_form", "1", "English (en)"],
                ["other_form", "2", "English (en)"]]
    assert refused([HEAD, FIRST], settings=settings) == [
        "settings sheet, row 3: only the first row of the settings sheet is read; put every "
        "setting on row 2"]


@pytest.mark.parametrize("sheet", ["external_choices", "entities"])
def test_sheets_the_kiosk_cannot_use_are_refused(refused, sheet):
    problems = refused([HEAD, FIRST], **{sheet: [["list_name", "name", "label"],
                                                 ["towns", "alderby", "Alderby"]]})
    assert any(p.startswith(f'{sheet} sheet, row 2, column "list_name": the {sheet} sheet is '
                            "not supported on the kiosk (") for p in problems), problems


def test_groups_that_do_not_close_name_their_rows(refused):
    survey = [HEAD, ["begin group", "about", "About you"], FIRST, ["begin repeat", "kids", "Kids"],
              ["text", "kid", "Name"], ["end group"], ["end group"], ["end repeat"]]
    assert refused(survey) == [
        'survey sheet, row 6, column "type": this "end group" closes the "begin repeat" on '
        'row 4; close it with "end repeat"',
        'survey sheet, row 8, column "type": this "end repeat" has no "begin repeat" before it',
    ]


def test_a_group_left_open(refused):
    assert refused([HEAD, ["begin_group", "about", "About you"], FIRST]) == [
        'survey sheet, row 2, column "type": this "begin_group" has no "end group" after it']


def test_names_are_unique_in_the_whole_form(refused):
    survey = [HEAD, FIRST, ["begin group", "more", "More"], ["text", "visitor_name", "Again"],
              ["end group"]]
    assert refused(survey) == [
        'survey sheet, row 4, column "name": the name "visitor_name" is already used on row 2; '
        "each name must be unique in the whole form"]


def test_a_question_without_a_name(refused):
    problems = refused([HEAD, FIRST, ["text", None, "No name"]])
    assert problems == ['survey sheet, row 3, column "name": the question has no name']


def test_a_choice_without_a_name_or_label(refused):
    problems = refused(survey_with(["select_one colours", "colour", "Colour"]),
                       choices=[["list_name", "name", "label::English (en)"],
                                ["colours", None, "Red"], ["colours", "blue", None]])
    assert problems == ['choices sheet, row 2, column "name": the choice has no name',
                        'choices sheet, row 3, column "label::English (en)": the choice has '
                        "no label (only a picture or nothing): the kiosk shows words, not "
                        "pictures; give it a label"]


def test_every_reference_to_a_missing_question_is_told_with_a_suggestion(refused):
    survey = [[*HEAD, "relevant", "label::French (fr)"], [*FIRST, None, "Votre nom"],
              ["text", "town", "Town", None, "Ville"],
              ["text", "street", "Street in ${twn}", "${twn} != ''", "Rue à ${ville}"]]
    assert refused(survey) == [
        'survey sheet, row 4, column "label::English (en)": ${twn} is not a question in this '
        "form (did you mean 'town'?)",
        'survey sheet, row 4, column "relevant": ${twn} is not a question in this form (did you '
        "mean 'town'?)",
        'survey sheet, row 4, column "label::French (fr)": ${ville} is not a question in this '
        "form",
    ]


def test_what_the_kiosk_s_own_loader_refuses_is_told_by_row_and_column(refused):
    # A repeat inside a repeat is refused by the kiosk's loader, told back in the sheet's terms.
    survey = [HEAD, FIRST, ["begin repeat", "outer", "Outer"], ["begin repeat", "inner", "Inner"],
              ["text", "deep", "Deep"], ["end repeat"], ["end repeat"]]
    assert refused(survey) == ['survey sheet, row 4, column "type": a repeat inside another '
                               "repeat is not supported"]


def test_names_xlsform_allows_but_the_kiosk_cannot_use(refused):
    survey = [HEAD, FIRST, ["text", "home-town", "Home town"], ["text", "post.code", "Postcode"]]
    assert refused(survey) == [
        f'survey sheet, row {row}, column "name": the name "{name}" cannot be used on the '
        "kiosk: use letters, digits and _, starting with a letter or _"
        for row, name in ((3, "home-town"), (4, "post.code"))]


def test_what_pyxform_itself_refuses_is_told_by_row(refused):
    problems = refused([HEAD, FIRST, ["calculate", "total", None]])
    assert problems == ["survey sheet, row 3: pyxform cannot convert the form: Missing "
                        "calculation."]


def test_a_select_naming_a_missing_list(refused):
    problems = refused(survey_with(["select_one colors", "colour", "Colour"]),
                       choices=[["list_name", "name", "label::English (en)"],
                                ["colours", "red", "Red"]])
    assert ('survey sheet, row 3, column "type": there is no choice list called \'colors\' on the choices sheet '
            "(did you mean 'colours'?)") in problems


def test_every_problem_is_reported_not_only_the_first(refused):
    survey = [[*HEAD, "trigger"], [*FIRST, None], ["geopoint", "where", "Where", None],
              ["audio", "voice", "Voice", "${visitor_name}"]]
    problems = refused(survey)
    assert len(problems) == 3, problems
    assert {p.split(":")[0] for p in problems} == {
        'survey sheet, row 3, column "type"', 'survey sheet, row 4, column "type"',
        'survey sheet, row 4, column "trigger"'}


def test_a_file_that_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"\x00\x01 these are not the rows you are looking for")
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path)
    assert [str(p) for p in caught.value.problems][0].startswith(
        "the file cannot be read as an XLSForm spreadsheet")


def test_a_missing_file(tmp_path):
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(tmp_path / "nothing.xlsx")
    assert [str(p) for p in caught.value.problems] == ["the file does not exist"]
