"""Writing an XLSForm from rows, as an author fills in its sheets: the sample forms' script
(build/make_sample_xlsforms.py) and the tests write their spreadsheets with it. The
kiosk itself reads spreadsheets only through pyxform.

A sheet is given either as rows of cells (the first row its headers) or as a list of dicts, in
which a tuple is a text given once per language of `languages`, written as one
`column::Language (code)` column each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

LANGUAGES = ("English (en)", "French (fr)", "Spanish (es)", "Arabic (ar)")


def table(rows: list[dict], columns: Sequence[str] = (),
          languages: Sequence[str] = LANGUAGES) -> list[list]:
    """The header row, then a row of cells per dict. The columns named in `columns` come first,
    in that order; any other a row uses follows, in the order rows first use it."""
    used = [column for column in columns if any(column in row for row in rows)]
    others = dict.fromkeys(column for row in rows for column in row if column not in columns)
    headers: list[tuple[str, str, int | None]] = []
    for column in [*used, *others]:
        if any(isinstance(row.get(column), tuple) for row in rows):
            headers += [(f"{column}::{language}", column, i) for i, language in enumerate(languages)]
        else:
            headers.append((column, column, None))
    cells = [[header for header, _, _ in headers]]
    for row in rows:
        cells.append([row[column][i] if isinstance(row.get(column), tuple) else row.get(column)
                      for _, column, i in headers])
    return cells


def write_workbook(path: Path, sheets: Mapping[str, list | None],
                   columns: Mapping[str, Sequence[str]] | None = None) -> Path:
    """One sheet per entry, in order (None: no such sheet); `columns` orders a sheet's
    columns, by the sheet's title."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        if rows and isinstance(rows[0], dict):
            rows = table(rows, (columns or {}).get(title, ()))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path
