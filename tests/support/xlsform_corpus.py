"""pyxform's 57 test workbooks (tests/corpus/README.md), and which of them a kiosk serves:
shared by the corpus test (tests/kiosk/xlsform/test_corpus.py) and `make bench`.

A form is servable when pyxform with ODK Validate accepts it and it needs nothing a kiosk
cannot serve (a GPS, a camera, files attached to the form, SMS)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus" / "xlsform-pyxform"

SERVABLE = [
    "bug_example_xls__ODKValidateWarnings.xlsx",  # phone number; a list whose choice has no label
    "bug_example_xls__badly_named_choices_sheet.xls",
    "bug_example_xls__blank_second_row.xls",
    "bug_example_xls__extra_columns.xls",
    "bug_example_xls__ict_survey_fails.xls",  # unused lists
    "bug_example_xls__spaces_in_choices_header.xls",
    "bug_example_xls__xl_date_ambiguous_v1.xlsx",  # ${...} in choice labels, xml_root
    "example_xls__allow_comment_rows_test.xls",  # a comment row with no type, _Category
    "example_xls__calculate.xls",
    "example_xls__cascading_select_test_equivalent.xls",  # settings name, id_string
    "example_xls__choice_filter_test.xlsx",  # allow_choice_duplicates
    "example_xls__choice_name_same_as_select_name.xls",
    "example_xls__default_time_demo.xls",
    "example_xls__extra_columns.xlsx",
    "example_xls__extra_sheet_names.xlsx",
    "example_xls__field-list.xlsx",  # a group with no label; missing translations
    "example_xls__group.xls",  # phone number
    "example_xls__group.xlsx",
    "example_xls__hidden.xls",
    "example_xls__loop.xls",  # begin loop over a list; or_other
    "example_xls__loop.xlsx",
    "example_xls__or_other.xlsx",
    "example_xls__repeat_date_test.xls",  # an unused list of pictures only
    "example_xls__simple_loop.xls",
    "example_xls__specify_other.xls",
    "example_xls__specify_other.xlsx",
    "example_xls__style_settings.xls",  # style, title
    "example_xls__survey_no_name.xlsx",  # its only sheet is "Sheet1"
    "example_xls__text_and_integer.xls",
    "example_xls__text_and_integer.xlsx",
    "example_xls__tutorial.xls",  # "tutorial notes" column
    "example_xls__xml_escaping.xls",
    "example_xls__yes_or_no_question.xls",
    "example_xls__yes_or_no_question.xlsx",
]
# Refused, and the words that say why (pyxform or ODK Validate refuses the first ten itself).
REFUSED = {
    "bug_example_xls__bad_calc.xlsx": "a quoted text is not closed",
    "example_xls__bad_calc.xlsx": "a quoted text is not closed",
    "bug_example_xls__calculate_without_calculation.xls": "the kiosk has no GPS",
    "bug_example_xls__duplicate_columns.xlsx": 'two columns are headed "label"',
    "bug_example_xls__group_name_test.xls": "the question has no name",
    "bug_example_xls__xl_date_ambiguous.xlsx": "'label::English' is not a column ODK can read",
    "example_xls__include.xls": "copy the rows in",
    "example_xls__include.xlsx": "copy the rows in",
    "example_xls__include_json.xls": "copy the rows in",
    "example_xls__include_json.xlsx": "copy the rows in",
    "example_xls__unknown_question_type.xls": '"set form title" is not a question type',
    # Accepted by ODK, but they need what a kiosk has not:
    "bug_example_xls__UCL_Biomass_Plot_Form.xlsx": "put the choices on the choices sheet",
    "example_xls__attribute_columns_test.xlsx": "the kiosk has no GPS",
    "example_xls__flat_xlsform_test.xlsx": "the kiosk has no GPS",
    "example_xls__xlsform_spec_test.xlsx": "the kiosk has no GPS",
    "example_xls__widgets.xls": "the kiosk has no GPS",
    "example_xls__gps.xls": "the kiosk has no GPS",
    "example_xls__case_insensitivity.xls": "the external_choices sheet is not supported",
    "example_xls__case_insensitivity.xlsx": "the external_choices sheet is not supported",
    "example_xls__choice_name_as_type.xls": "select_one_external",
    "example_xls__pull_data.xlsx": "pulldata() reads a CSV file",
    "example_xls__sms_info.xls": "SMS columns are not supported",
    "example_xls__table-list.xls": "the kiosk shows words, not pictures",  # choices of pictures
}
