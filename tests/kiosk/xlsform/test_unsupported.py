"""Whatever the kiosk cannot do is refused, naming the sheet, the row and the column, so the
author can find it in the spreadsheet; nothing is silently dropped."""

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
    ("start", "each submission records when the visit started and finished"),
    ("deviceid", "the kiosk does not collect details of the device"),
    ("phonenumber", "to ask for a phone number use phone"),
    ("hidden", None),
    ("rank colours", "use select_multiple"),
    ("select_one_from_file towns.csv", "put the choices on the choices sheet"),
    ("select_one_external towns", "use select_one with a choice_filter"),
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


def test_or_other_is_refused_with_what_to_do_instead(refused):
    problems = refused(survey_with(["select_one colours or_other", "colour", "Colour"]),
                       choices=[["list_name", "name", "label::English (en)"],
                                ["colours", "red", "Red"]])
    assert problems == ['survey sheet, row 3, column "type": "select_one colours or_other": '
                        'or_other is not supported on the kiosk; add an "other" choice and a '
                        "text question with a relevant"]


def test_a_misspelt_type_suggests_the_right_one(refused):
    problems = refused(survey_with(["txt", "thing", "Thing"]))
    assert problems == ['survey sheet, row 3, column "type": "txt" is not a question type '
                        '(did you mean "text"?)']


@pytest.mark.parametrize(("header", "value", "message"), [
    ("media::image::English (en)", "map.png",
     "images, audio and video are not supported on the kiosk"),
    ("image", "map.png", "images, audio and video are not supported on the kiosk"),
    ("audio", "hello.mp3", "images, audio and video are not supported on the kiosk"),
    ("guidance_hint", "Ask slowly",
     "guidance hints are not supported on the kiosk; put the words in the hint"),
    ("parameters", "randomize=true", "parameters are not supported on the kiosk"),
    ("trigger", "${visitor_name}", "triggers are not supported on the kiosk"),
    ("body::accuracyThreshold", "5", '"body::accuracyThreshold" is not supported on the kiosk'),
    ("bind::odk:length", "5", '"bind::odk:length" is not supported on the kiosk'),
    ("lable", "Oops", '"lable" is not a column the kiosk knows (did you mean "label"?)'),
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


@pytest.mark.parametrize(("appearance", "type_"), [
    ("minimal", "select_one yes_no"), ("numbers", "text"), ("field-list", "begin repeat"),
    ("multiline", "integer"),
])
def test_an_appearance_the_kiosk_would_ignore_is_refused(refused, appearance, type_):
    head = [*HEAD, "appearance"]
    rows = [head, [*FIRST, None], [type_, "thing", "Thing", appearance]]
    if type_ == "begin repeat":
        rows += [["text", "inside", "Inside"], ["end repeat"]]
    problems = refused(rows, choices=[["list_name", "name", "label::English (en)"],
                                      ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]])
    assert any(p.startswith(f'survey sheet, row 3, column "appearance": the appearance '
                            f'"{appearance}" is not supported on the kiosk') for p in problems)


def test_read_only_must_be_yes_or_no(refused):
    problems = refused([[*HEAD, "read_only"], [*FIRST, None],
                        ["text", "town", "Town", "${visitor_name} = 'Sam'"]])
    assert problems == ['survey sheet, row 3, column "read_only": read_only must be yes or no '
                        "(found \"${visitor_name} = 'Sam'\")"]


def test_a_default_worked_out_from_an_expression_is_refused(refused):
    problems = refused([[*HEAD, "default"], [*FIRST, None], ["date", "when", "When", "today()"]])
    assert problems == ['survey sheet, row 3, column "default": a default worked out from an '
                        "expression is not supported on the kiosk; use a calculation"]


def test_media_on_a_choice_names_the_choices_row(refused):
    problems = refused(survey_with(["select_one colours", "colour", "Colour"]),
                       choices=[["list_name", "name", "label::English (en)", "image"],
                                ["colours", "red", "Red", None],
                                ["colours", "blue", "Blue", "blue.png"]])
    assert problems == ['choices sheet, row 3, column "image": images, audio and video are not '
                        "supported on the kiosk"]


@pytest.mark.parametrize(("header", "value", "message"), [
    ("style", "pages", '"style" is not supported on the kiosk'),
    ("allow_choice_duplicates", "yes", '"allow_choice_duplicates" is not supported on the kiosk'),
    ("versoin", "3", '"versoin" is not a setting the kiosk knows (did you mean "version"?)'),
])
def test_an_unsupported_setting_names_its_column(refused, header, value, message):
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
    assert f"{sheet} sheet: the {sheet} sheet is not supported on the kiosk" in problems


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


def test_a_row_without_type_or_name(refused):
    problems = refused([HEAD, FIRST, [None, "orphan", "Orphan"], ["text", None, "No name"]])
    assert problems == ['survey sheet, row 3, column "type": the row has no type',
                        'survey sheet, row 4, column "name": the question has no name']


def test_a_choice_without_a_name_or_label(refused):
    problems = refused(survey_with(["select_one colours", "colour", "Colour"]),
                       choices=[["list_name", "name", "label::English (en)"],
                                ["colours", None, "Red"], ["colours", "blue", None]])
    assert problems == ['choices sheet, row 2, column "name": the choice has no name',
                        'choices sheet, row 3, column "label::English (en)": the choice has '
                        "no label"]


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
        "kiosk: use letters, digits and _, starting with a letter"
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


def test_a_form_without_a_version(refused):
    settings = [["form_id", "default_language"], ["test_form", "English (en)"]]
    assert any(p.startswith('settings sheet, row 2, column "version": the form has no version')
               for p in refused([HEAD, FIRST], settings=settings))


def test_every_problem_is_reported_not_only_the_first(refused):
    survey = [[*HEAD, "guidance_hint"], [*FIRST, None], ["geopoint", "where", "Where", None],
              ["audio", "voice", "Voice", "Speak"]]
    problems = refused(survey)
    assert len(problems) == 3, problems
    assert {p.split(":")[0] for p in problems} == {
        'survey sheet, row 3, column "type"', 'survey sheet, row 4, column "type"',
        'survey sheet, row 4, column "guidance_hint"'}


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
