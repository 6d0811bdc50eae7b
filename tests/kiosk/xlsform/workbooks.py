"""Writing small XLSForms for the tests (see kiosk/forms/xlsform/writing.py for how a sheet is
given: as rows of cells, whose row numbers in messages are then easy to count, or as dicts)."""

from __future__ import annotations

from pathlib import Path

from kiosk.forms.xlsform.writing import write_workbook


def write_xlsform(path: Path, survey: list, choices: list | None = None,
                  settings: list | None = None, **other_sheets: list) -> Path:
    return write_workbook(path, {"survey": survey, "choices": choices, "settings": settings,
                                 **other_sheets})
