"""Import an XLSForm (what ODK and KoboToolbox authors already write) into the kiosk's YAML.

pyxform reads the spreadsheet and converts it; nothing else here parses spreadsheets. Three
passes, each reporting every problem it finds by sheet, row and column:
1. workbook.py: the rows, checked for what the kiosk cannot do (a refused feature is an
   error, never silently dropped);
2. convert.py: pyxform's dict, turned into the kiosk's form model;
3. verify.py: the YAML, loaded by the kiosk's own loader, so an imported form loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..form import Form
from .convert import pyxform_dict, to_kiosk_form
from .problems import Problems, SheetProblem, XLSFormError
from .verify import load_imported, to_yaml
from .workbook import UnreadableWorkbook, check_workbook, read_workbook

__all__ = ["Imported", "SheetProblem", "XLSFormError", "import_xlsform"]


@dataclass
class Imported:
    yaml: str  # the form file, ready to write
    form: Form  # as the kiosk loads it
    warnings: list[SheetProblem] = field(default_factory=list)


def import_xlsform(path: Path | str) -> Imported:
    """The XLSForm as a kiosk form, or XLSFormError listing every error found."""
    path = Path(path)
    try:
        book = read_workbook(path)
    except UnreadableWorkbook as unreadable:
        raise XLSFormError(path, [unreadable.problem]) from None
    problems = check_workbook(book)
    _stop_on_errors(path, problems)
    survey = pyxform_dict(book, problems)
    _stop_on_errors(path, problems)
    assert survey is not None  # pyxform's failure is one of the errors stopped on
    data = to_kiosk_form(survey, book, problems)
    _stop_on_errors(path, problems)
    text = to_yaml(data, path.name)
    form = load_imported(text, path.stem, book, problems)
    _stop_on_errors(path, problems)
    assert form is not None  # the loader's errors are among those stopped on
    form.path = path  # it was loaded from a temporary copy; the spreadsheet is its source
    return Imported(text, form, problems.warnings)


def _stop_on_errors(path: Path, problems: Problems) -> None:
    if problems.errors:
        raise XLSFormError(path, problems.errors)
