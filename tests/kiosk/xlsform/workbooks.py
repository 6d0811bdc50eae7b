"""Writing small XLSForms for the tests, with openpyxl (the tests' spreadsheet writer; the
kiosk itself reads spreadsheets only through pyxform).

A sheet is given either as rows of cells (the first row the headers: row numbers in messages
are then easy to count) or as a list of dicts, where a tuple is a text given once per language
of LANGUAGES and becomes one `column::Language (code)` column each."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

LANGUAGES = ("English (en)", "French (fr)", "Spanish (es)", "Arabic (ar)")


def table(rows: list[dict], languages=LANGUAGES) -> list[list]:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    headers: list[tuple[str, str, int | None]] = []
    for column in columns:
        if any(isinstance(row.get(column), tuple) for row in rows):
            headers += [(f"{column}::{language}", column, i) for i, language in enumerate(languages)]
        else:
            headers.append((column, column, None))
    cells = [[header for header, _, _ in headers]]
    for row in rows:
        cells.append([row[c][i] if isinstance(row.get(c), tuple) else row.get(c)
                      for _, c, i in headers])
    return cells


def write_xlsform(path: Path, survey: list, choices: list | None = None,
                  settings: list | None = None, **other_sheets: list) -> Path:
    book = Workbook()
    book.remove(book.active)
    sheets = {"survey": survey, "choices": choices, "settings": settings, **other_sheets}
    for title, rows in sheets.items():
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        for row in table(rows) if rows and isinstance(rows[0], dict) else rows:
            sheet.append(list(row))
    book.save(path)
    return path
