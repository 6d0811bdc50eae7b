"""Real XLSForms, unchanged: the 57 workbooks of pyxform's own tests (tests/corpus/README.md).

The 34 that pyxform and ODK Validate accept and that need nothing a kiosk cannot serve import
with `kiosk forms import` and pass `kiosk forms check` as they are. The other 23 are refused,
every problem naming its sheet, row and column, with no traceback. The lists below say which
is which, and why each refused one is refused; a workbook added to the folder fails the first
test until it is put on one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.cli import main

ROOT = Path(__file__).resolve().parents[3]
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
# "<file>: survey sheet, row 7, column "type": ..." (a duplicate header names no sheet).
_WHERE = re.compile(r'^[^:]+: (?:\w+ sheet, )?row \d+, column "[^"]+": ')


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def test_every_workbook_of_the_corpus_is_listed_as_servable_or_refused():
    found = sorted(path.name for path in CORPUS.iterdir())
    assert len(found) == 57
    assert sorted([*SERVABLE, *REFUSED]) == found
    assert len(SERVABLE) == 34


@pytest.mark.parametrize("name", SERVABLE)
def test_a_servable_form_imports_unchanged_and_passes_forms_check(capsys, tmp_path, name):
    output = tmp_path / f"{Path(name).stem}.yaml"
    code, out, err = run(capsys, "forms", "import", str(CORPUS / name), "-o", str(output))
    assert code == 0, err
    assert f"{output}: written" in out
    # Every warning still says where, so an author can find what the kiosk ignores.
    assert all(_WHERE.match(line) or ": warning: the kiosk has no interface text" in line
               for line in err.splitlines()), err
    code, out, err = run(capsys, "forms", "check", str(output))
    assert code == 0, out + err


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_form_the_kiosk_cannot_serve_is_refused_by_sheet_row_and_column(capsys, tmp_path,
                                                                           name):
    output = tmp_path / "out.yaml"
    code, out, err = run(capsys, "forms", "import", str(CORPUS / name), "-o", str(output))
    assert code == 1 and not output.exists()
    errors = [line for line in err.splitlines() if ": warning: " not in line]
    assert errors and all(_WHERE.match(line) for line in errors), err
    assert REFUSED[name] in err
