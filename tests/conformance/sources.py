"""The XLSForms the conformance test walks, and pyxform's XForm of each for ODK's side.

The servable forms of the corpus of real XLSForms (tests/corpus, tests/support/
xlsform_corpus.py), the sample forms' XLSForms, and the test XLSForm with every supported
feature: each must import, and is compared.

The sample forms use kiosk-only types and columns, which pyxform refuses: ODK's side gets
their ODK twin, the spreadsheet as an author writing for both would write it (what
docs/xlsform.md says: `text` for phone, email and id_number, the kiosk-only columns left out).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from pyxform.xls2xform import convert

from tests.support.xlsform_corpus import CORPUS, SERVABLE

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "assets" / "forms" / "xlsform"
EVERY_FEATURE = ROOT / "tests" / "kiosk" / "xlsform" / "every_feature.xlsx"

# Kiosk-only types, as ODK asks for the same thing.
ODK_TYPES = {"phone": "text", "email": "text", "id_number": "text"}
KIOSK_ONLY_SURVEY = ("receipt", "check_digit", "profile", "add_label", "max_length", "normalise")
KIOSK_ONLY_SETTINGS = ("destination", "icon", "description", "next_steps", "submit_label",
                       "payment")


def xlsforms() -> list[Path]:
    """Every XLSForm a kiosk serves, in a stable order: the corpus's servable ones (the corpus
    test holds the others to their refusals), the sample forms' and the test's own."""
    return [*(CORPUS / name for name in SERVABLE), *sorted(SAMPLES.glob("*.xlsx")),
            EVERY_FEATURE]


def odk_xform(xlsform: Path, workdir: Path) -> Path:
    """pyxform's XForm of the XLSForm (of its ODK twin for a sample form), written to workdir."""
    source = odk_twin(xlsform, workdir) if xlsform.resolve().parent == SAMPLES else xlsform
    xform = workdir / f"{xlsform.stem}.xml"
    xform.write_text(convert(xlsform=str(source), validate=False).xform, encoding="utf-8")
    return xform


def odk_twin(xlsform: Path, workdir: Path) -> Path:
    book = openpyxl.load_workbook(xlsform)
    survey = book["survey"]
    _drop_columns(survey, KIOSK_ONLY_SURVEY)
    header = [cell.value for cell in survey[1]]
    type_column = header.index("type") + 1
    for row in range(2, survey.max_row + 1):
        cell = survey.cell(row, type_column)
        if isinstance(cell.value, str) and cell.value.strip() in ODK_TYPES:
            cell.value = ODK_TYPES[cell.value.strip()]
    settings = book["settings"]
    _drop_columns(settings, KIOSK_ONLY_SETTINGS)
    # ODK takes one title: the default language's (the first), under the plain column.
    titles = [cell.column for cell in settings[1] if str(cell.value).startswith("form_title::")]
    if titles:
        settings.cell(1, titles[0]).value = "form_title"
        for column in reversed(titles[1:]):
            settings.delete_cols(column)
    twin = workdir / f"{xlsform.stem}.odk.xlsx"
    book.save(twin)
    return twin


def _drop_columns(sheet, names: tuple[str, ...]) -> None:
    doomed = [cell.column for cell in sheet[1]
              if isinstance(cell.value, str) and cell.value.split("::")[0].strip() in names]
    for column in reversed(doomed):
        sheet.delete_cols(column)
