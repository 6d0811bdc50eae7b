"""The first pass over an XLSForm: its rows as pyxform's workbook reader returns them, with
their row numbers, checked for everything the kiosk cannot do.

pyxform's converted dict no longer knows which row a question came from, so this pass also
records where each question, option and setting is, for every later message."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pyxform.utils import default_is_dynamic
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from ..model import NAME_PATTERN
from .columns import Column, classify
from .languages import Languages, language_code, missing_code_message
from .problems import Problems, SheetProblem
from .question_types import appearance_problem, row_type

SHEETS = ("survey", "choices", "settings")
_OTHER_SHEETS = ("external_choices", "entities", "osm")
_YES_NO = {"yes", "no", "true", "false", "true()", "false()"}
_TEXTS = ("label", "hint", "required_message", "constraint_message", "add_label")
_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(NAME_PATTERN)


class UnreadableWorkbook(Exception):
    def __init__(self, problem: SheetProblem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Workbook:
    """The rows pyxform read, and where each thing is for messages."""

    data: DefinitionData
    columns: dict[str, dict[str, Column]] = field(default_factory=dict)  # sheet -> header -> meaning
    question_rows: dict[str, int] = field(default_factory=dict)
    option_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    list_rows: dict[str, int] = field(default_factory=dict)
    languages: Languages = field(default_factory=Languages)

    def rows(self, sheet: str) -> list[tuple[int, dict[str, str]]]:
        """The sheet's non-empty rows with their spreadsheet row numbers (header is row 1).
        pyxform keeps empty rows in its list precisely so these numbers stay right."""
        rows = getattr(self.data, sheet, None) or []
        return [(number, row) for number, row in enumerate(rows, start=2) if row]

    def header_for(self, sheet: str, key: str) -> str | None:
        """The header the author used for one of the kiosk's keys (first one, for texts)."""
        for header, column in self.columns.get(sheet, {}).items():
            if column.key == key:
                return header
        return None

    def cells(self, sheet: str, row: dict[str, str]) -> dict[str, str]:
        """A row's values by the kiosk's key, leaving out per-language texts."""
        meanings = self.columns.get(sheet, {})
        found: dict[str, str] = {}
        for header, value in row.items():
            column = meanings.get(header)
            if column is not None and column.key and column.language is None:
                found[column.key] = value
        return found


def read_workbook(path: Path) -> Workbook:
    """The workbook's rows, read by pyxform (the only spreadsheet reader the kiosk uses)."""
    if not path.is_file():
        raise UnreadableWorkbook(SheetProblem("the file does not exist"))
    try:
        data = get_xlsform(str(path))
    except Exception as error:  # an untrusted file: whatever fails, it cannot be read
        reason = str(error) or type(error).__name__
        raise UnreadableWorkbook(SheetProblem(
            f"the file cannot be read as an XLSForm spreadsheet ({reason})")) from None
    return Workbook(data)


def check_workbook(book: Workbook) -> Problems:
    problems = Problems()
    data = book.data
    if not data.survey and not data.survey_header:
        problems.add("the workbook has no survey sheet")
    for sheet in _OTHER_SHEETS:
        if getattr(data, sheet, None):
            problems.add(f"the {sheet} sheet is not supported on the kiosk", sheet=sheet)
    plain_texts: list[tuple[str, str]] = []
    for sheet in SHEETS:
        _check_columns(book, sheet, problems, plain_texts)
    _check_settings(book, problems, plain_texts)
    _check_survey(book, problems)
    _check_choices(book, problems)
    _check_references(book, problems)
    return problems


def _check_columns(book: Workbook, sheet: str, problems: Problems,
                   plain_texts: list[tuple[str, str]]) -> None:
    header_rows = getattr(book.data, f"{sheet}_header", None) or [{}]
    headers = [h for h in header_rows[0] if h]
    double_colon = any("::" in header for header in headers)
    book.columns[sheet] = {h: classify(sheet, h, double_colon) for h in headers}
    for header, column in book.columns[sheet].items():
        used = [number for number, row in book.rows(sheet) if row.get(header) not in (None, "")]
        if not used:
            continue  # an empty column loses nothing
        if column.problem:
            more = len(used) - 1
            also = f" (also on {more} more row{'s' if more > 1 else ''})" if more else ""
            problems.add(column.problem + also, sheet, used[0], header)
        elif column.language is not None:
            code = language_code(column.language)
            if code is None:
                base = header.split("::")[0].strip()
                problems.add(missing_code_message(base, column.language), sheet, 1, header)
                continue
            other = book.languages.add(column.language, code)
            if other:
                problems.add(f'the language code "{code}" is already used by "{other}"; '
                             "give each language one name", sheet, 1, header)
        elif sheet != "settings" and column.key in _TEXTS:
            # On the settings sheet a text without a language is the same in every language.
            plain_texts.append((sheet, header))


def _check_settings(book: Workbook, problems: Problems, plain_texts: list[tuple[str, str]]) -> None:
    rows = book.rows("settings")
    for number, _ in rows[1:]:
        problems.add("only the first row of the settings sheet is read; put every setting "
                     "on row 2", "settings", number)
    settings = book.cells("settings", rows[0][1]) if rows else {}
    given = settings.get("default_language")
    if given:
        code = language_code(given)
        header = book.header_for("settings", "default_language")
        if code is None:
            problems.add(f'"{given}" has no language code: write it as the language columns '
                         'do, like "English (en)"', "settings", 2, header)
            return
        book.languages.default = code
        if plain_texts:  # pyxform files columns without a language under this name
            other = book.languages.add(given, code, first=True)
            if other:
                problems.add(f'"{given}" is not how the columns name this language ("{other}")',
                             "settings", 2, header)
    elif plain_texts:
        sheet, header = plain_texts[0]
        problems.add(f'the column "{header}" does not say its language: name it like '
                     f'"{header}::English (en)", or give default_language (like "English '
                     '(en)") on the settings sheet', sheet, 1, header)
    elif book.languages.order:
        book.languages.default = book.languages.order[0]


def _check_survey(book: Workbook, problems: Problems) -> None:
    header = {key: book.header_for("survey", key) or key
              for key in ("type", "name", "appearance", "read_only", "receipt", "default")}
    open_blocks: list[tuple[str, int, str]] = []  # (group or repeat, row, the type cell)
    for number, row in book.rows("survey"):
        cells = book.cells("survey", row)
        if not cells.get("type"):  # pyxform would skip the row: say so instead
            problems.add("the row has no type", "survey", number, header["type"])
            continue
        found = row_type(cells["type"], cells.get("appearance"))
        if found.problem:
            problems.add(found.problem, "survey", number, header["type"])
            if cells.get("name"):  # still a question: what reads it is not wrong as well
                book.question_rows.setdefault(cells["name"], number)
            continue
        kind = found.kind
        assert kind is not None  # a type cell without a problem names a type
        if kind.startswith("end_"):
            _close(open_blocks, kind[4:], number, cells["type"], problems, header["type"])
            continue
        if kind.startswith("begin_"):
            open_blocks.append((kind[6:], number, cells["type"]))
        _check_question(book, cells, kind, number, header, problems)
    for kind, number, text in open_blocks:
        problems.add(f'this "{text}" has no "end {kind}" after it', "survey", number,
                     header["type"])


def _close(open_blocks: list[tuple[str, int, str]], kind: str, number: int, text: str, problems: Problems,
           column: str) -> None:
    if not open_blocks:
        problems.add(f'this "{text}" has no "begin {kind}" before it', "survey", number, column)
        return
    opened, opened_row, opened_text = open_blocks.pop()
    if opened != kind:
        problems.add(f'this "{text}" closes the "{opened_text}" on row {opened_row}; '
                     f'close it with "end {opened}"', "survey", number, column)


def _check_question(book: Workbook, cells: dict[str, str], kind: str, number: int,
                    header: dict[str, str],
                    problems: Problems) -> None:
    name = cells.get("name")
    if not name:
        problems.add("the question has no name", "survey", number, header["name"])
    elif not _NAME.match(name):  # XLSForm also allows - and . in names; the kiosk does not
        problems.add(f'the name "{name}" cannot be used on the kiosk: use letters, digits and _, '
                     "starting with a letter", "survey", number, header["name"])
    elif name in book.question_rows:
        problems.add(f'the name "{name}" is already used on row {book.question_rows[name]}; '
                     "each name must be unique in the whole form", "survey", number,
                     header["name"])
    else:
        book.question_rows[name] = number
    kind = kind.removeprefix("begin_")
    if cells.get("appearance"):
        why = appearance_problem(kind, cells["appearance"])
        if why:
            problems.add(why, "survey", number, header["appearance"])
    for key in ("read_only", "receipt"):
        if cells.get(key) and cells[key].strip().lower() not in _YES_NO:
            problems.add(f'{key} must be yes or no (found "{cells[key]}")', "survey", number,
                         header[key])
    if cells.get("default") and default_is_dynamic(cells["default"], kind):
        problems.add("a default worked out from an expression is not supported on the kiosk; "
                     "use a calculation", "survey", number, header["default"])


def _check_choices(book: Workbook, problems: Problems) -> None:
    header = {key: book.header_for("choices", key) or key for key in ("list_name", "name")}
    for number, row in book.rows("choices"):
        cells = book.cells("choices", row)
        list_name, name = cells.get("list_name"), cells.get("name")
        if not list_name:
            problems.add("the choice has no list_name", "choices", number, header["list_name"])
            continue
        book.list_rows.setdefault(list_name, number)
        meanings = book.columns["choices"]
        labelled = any(v for h, v in row.items() if h in meanings and meanings[h].key == "label")
        if name and not labelled:
            problems.add("the choice has no label", "choices", number,
                         book.header_for("choices", "label") or "label")
        if not name:
            problems.add("the choice has no name", "choices", number, header["name"])
        elif (list_name, name) in book.option_rows:
            problems.add(f'the list "{list_name}" already has the choice "{name}" on row '
                         f"{book.option_rows[(list_name, name)]}", "choices", number,
                         header["name"])
        else:
            book.option_rows[(list_name, name)] = number


def _check_references(book: Workbook, problems: Problems) -> None:
    """Every ${name} in the survey and settings names a question, and every select names a
    list: pyxform stops at the first that does not; this tells the author of all of them."""
    names = book.question_rows
    for sheet in ("survey", "settings"):
        for number, row in book.rows(sheet):
            for header, value in row.items():
                for name in _REFERENCE.findall(str(value)):
                    if name.strip() not in names:
                        close = difflib.get_close_matches(name.strip(), list(names), n=1)
                        hint = f" (did you mean '{close[0]}'?)" if close else ""
                        problems.add(f"${{{name}}} is not a question in this form{hint}", sheet,
                                     number, header)
    column = book.header_for("survey", "type") or "type"
    for number, row in book.rows("survey"):
        found = row_type(book.cells("survey", row).get("type") or "", None)
        if found.list_name and found.list_name not in book.list_rows:
            close = difflib.get_close_matches(found.list_name, list(book.list_rows), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.add(f"there is no choice list called '{found.list_name}' on the choices "
                         f"sheet{hint}", "survey", number, column)
