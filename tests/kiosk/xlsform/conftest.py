"""Shared by the XLSForm import tests: a workbook written into tmp_path and imported."""

from __future__ import annotations

import pytest

from kiosk.forms.xlsform import XLSFormError, import_xlsform

from .workbooks import write_xlsform

SETTINGS = [["form_title", "form_id", "version", "default_language"],
            ["Test form", "test_form", "2026-11-27", "English (en)"]]


@pytest.fixture
def xlsform(tmp_path):
    """Write an XLSForm (settings default to a one-row settings sheet) and return its path."""
    def write(survey, choices=None, settings=SETTINGS, name="form.xlsx", **other_sheets):
        return write_xlsform(tmp_path / name, survey, choices, settings, **other_sheets)
    return write


@pytest.fixture
def refused(xlsform):
    """The problems, as the author reads them, of an XLSForm that cannot be imported."""
    def problems(survey, choices=None, settings=SETTINGS, **other_sheets) -> list[str]:
        with pytest.raises(XLSFormError) as caught:
            import_xlsform(xlsform(survey, choices, settings, **other_sheets))
        return [str(problem) for problem in caught.value.problems]
    return problems
