"""Writing an XLSForm from rows, as an author fills in its sheets: the sample forms' script
(build/make_sample_xlsforms.py) and the tests write their spreadsheets with it. The
kiosk itself reads spreadsheets only through pyxform.

A sheet is given either as rows of cells (the first row its headers) or as a list of dicts, in
which a tuple is a text given once per language of `languages`, written as one
`column::Language (code)` column each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeGuard

from openpyxl import Workbook

LANGUAGES = ("English (en)", "French (fr)", "Spanish (es)", "Arabic (ar)")
Rows = Sequence[Sequence[object]]  # cells, the first row the headers
Records = Sequence[Mapping[str, object]]  # a dict per row, by column


def table(rows: Records, columns: Sequence[str] = (),
          languages: Sequence[str] = LANGUAGES) -> list[list[object]]:
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
    cells: list[list[object]] = [[header for header, _, _ in headers]]
    for row in rows:
        cells.append([_cell(row.get(column), i) for _, column, i in headers])
    return cells


def _cell(value: object, language: int | None) -> object:
    """A row's value in one column: a text given per language is split across them."""
    return value[language] if isinstance(value, tuple) and language is not None else value


def _records(rows: Records | Rows) -> TypeGuard[Records]:
    return bool(rows) and isinstance(rows[0], dict)


def write_workbook(path: Path, sheets: Mapping[str, Records | Rows | None],
                   columns: Mapping[str, Sequence[str]] | None = None) -> Path:
    """One sheet per entry, in order (None: no such sheet); `columns` orders a sheet's
    columns, by the sheet's title."""
    book = Workbook()
    if book.active is not None:  # a new workbook's empty first sheet
        book.remove(book.active)
    for title, rows in sheets.items():
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        if _records(rows):
            rows = table(rows, (columns or {}).get(title, ()))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path
