"""The first pass over an XLSForm: its rows as pyxform's workbook reader returns them, with
their row numbers, checked for everything the kiosk cannot do.

pyxform's converted dict no longer knows which row a question came from, so this pass also
records where each question, option and setting is, for every later message."""

from __future__ import annotations

import difflib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from pyxform.utils import default_is_dynamic
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from ..model import NAME_PATTERN
from .columns import Column, classify, is_off
from .languages import ASSUMED, DEFAULT, Languages, code_for
from .problems import Problems, SheetProblem
from .question_types import (
    METADATA_DROPPED,
    METADATA_FILLED,
    PRESETS,
    appearance_problem,
    row_type,
)
from .zip_budget import zip_problem

SHEETS = ("survey", "choices", "settings")
_OTHER_SHEETS = ("external_choices", "entities", "osm")
_WHY_SHEET = {
    "external_choices": "its choices are sent to the phone as a file; put them on the choices "
                        "sheet, with a choice_filter",
    "entities": "a kiosk keeps no records between visits to update",
    "osm": "the kiosk has no map",
}
_YES_NO = {"yes", "no", "true", "false", "true()", "false()"}
_TEXTS = ("label", "hint", "required_message", "constraint_message", "add_label")
_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(NAME_PATTERN)
_DUPLICATE_HEADER = re.compile(r"^Duplicate column header: (.*)$")
# Functions that read files attached to the form in ODK, which a kiosk does not have.
_FILE_FUNCTIONS = re.compile(r"\bpulldata\s*\(")
_EXPRESSIONS = ("relevant", "constraint", "calculation", "required", "choice_filter",
                "default", "repeat_count")
# Which appearances a row's kind acts on (question_types.APPEARANCES is by kiosk type).
_KIND_OF = {**PRESETS, "hidden": "calculate", "loop": "group"}


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
    used_lists: set[str] = field(default_factory=set)  # named by a select or a loop
    left_out: dict[str, int] = field(default_factory=dict)  # ODK metadata not sent, by name
    allow_choice_duplicates: bool = False
    unused_lists: set[str] = field(default_factory=set)  # left out: no question uses them

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

    def text_header(self, sheet: str, key: str, code: str) -> str | None:
        """The header of a text column in one language ("hint::Français (fr)")."""
        for header, column in self.columns.get(sheet, {}).items():
            if column.key == key and column.language and \
                    self.languages.codes.get(column.language) == code:
                return header
        return self.header_for(sheet, key)

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
    too_big = zip_problem(path)
    if too_big is not None:
        raise UnreadableWorkbook(SheetProblem(too_big))
    try:
        with warnings.catch_warnings():
            # openpyxl warns of parts of a workbook it leaves out (data validation, unknown
            # extensions): they hold no rows, and a warning must not fail the reading.
            warnings.simplefilter("ignore")
            data = get_xlsform(str(path))
    except Exception as error:  # an untrusted file: whatever fails, it cannot be read
        reason = str(error) or type(error).__name__
        twice = _DUPLICATE_HEADER.match(reason)
        if twice:  # pyxform does not say which sheet; the header row is row 1 of each
            raise UnreadableWorkbook(SheetProblem(
                f'two columns are headed "{twice[1]}": pyxform cannot tell which to read; '
                "delete or rename one", row=1, column=twice[1])) from None
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
            first = next(iter((getattr(data, f"{sheet}_header", None) or [{}])[0]), None)
            problems.add(f"the {sheet} sheet is not supported on the kiosk ({_WHY_SHEET[sheet]})",
                         sheet, 2, first)
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
        if sheet == "settings" and not column.key:
            used = [n for n, row in book.rows(sheet) if not is_off(row.get(header) or "")]
        if not used:
            continue  # an empty column loses nothing
        if column.problem:
            more = len(used) - 1
            also = f" (also on {more} more row{'s' if more > 1 else ''})" if more else ""
            if column.ignored:
                problems.add(f'"{header}" is ignored: {column.problem}{also}', sheet, used[0],
                             header, severity="warning")
            else:
                problems.add(column.problem + also, sheet, used[0], header)
        elif column.language is not None:
            book.languages.add(column.language, code_for(column.language))
        elif sheet != "settings" and column.key in _TEXTS:
            # On the settings sheet a text without a language is the same in every language.
            plain_texts.append((sheet, header))


def _check_settings(book: Workbook, problems: Problems, plain_texts: list[tuple[str, str]]) -> None:
    rows = book.rows("settings")
    for number, _ in rows[1:]:
        problems.add("only the first row of the settings sheet is read; put every setting "
                     "on row 2", "settings", number)
    settings = book.cells("settings", rows[0][1]) if rows else {}
    duplicates = settings.get("allow_choice_duplicates")
    book.allow_choice_duplicates = bool(duplicates) and not is_off(duplicates or "")
    given = settings.get("default_language")
    if given:
        code = code_for(given)
        book.languages.default = code
        book.languages.declared = True
        if plain_texts:  # pyxform files columns without a language under this name
            book.languages.add(given, code, first=True)
    elif not book.languages.order:
        # ODK shows such a form in its "default" language; the kiosk needs a code for its
        # buttons and messages.
        book.languages.add(DEFAULT, ASSUMED)
        book.languages.default = ASSUMED
        if not plain_texts:
            return  # a form without a word to show (only hidden values, say)
        sheet, header = plain_texts[0]
        problems.add(f'the texts name no language, so they are taken to be English '
                     f'({ASSUMED}); to say otherwise, give default_language (like '
                     '"Français (fr)") on the settings sheet', sheet, 1, header,
                     severity="warning")
    elif book.languages.order:
        # Columns without a language beside others that have one: their texts stand in
        # for any language a row leaves empty (kiosk.forms.xlsform.languages).
        book.languages.default = book.languages.order[0]


def _check_survey(book: Workbook, problems: Problems) -> None:
    header = {key: book.header_for("survey", key) or key
              for key in ("type", "name", "appearance", "read_only", "receipt", "default")}
    open_blocks: list[tuple[str, int, str]] = []  # (group, repeat or loop, row, the type cell)
    for number, row in book.rows("survey"):
        cells = book.cells("survey", row)
        labelled = _labelled(book, "survey", row)
        if not cells.get("type"):
            if cells.get("name") or labelled:  # pyxform refuses it: say where
                problems.add("the row has no type", "survey", number, header["type"])
            continue  # a row of notes for the authors, in columns pyxform does not read
        found = row_type(cells["type"], cells.get("appearance"))
        if found.problem:
            problems.add(found.problem, "survey", number, header["type"])
            if cells.get("name"):  # still a question: what reads it is not wrong as well
                book.question_rows.setdefault(cells["name"], number)
            continue
        kind = found.kind
        assert kind is not None  # a type cell without a problem names a type
        if kind == "email" and not labelled:  # ODK's metadata (the device's account)
            kind = "metadata"
        if kind == "metadata":
            _metadata(book, cells, number, header, problems)
            continue
        if kind.startswith("end_"):
            _close(open_blocks, kind[4:], number, cells["type"], problems, header["type"])
            continue
        if kind.startswith("begin_"):
            open_blocks.append((kind[6:], number, cells["type"]))
        if found.list_name:
            book.used_lists.add(found.list_name)
        for key in _EXPRESSIONS:
            if _FILE_FUNCTIONS.search(cells.get(key) or ""):
                problems.add("pulldata() reads a CSV file attached to the form, which the kiosk "
                             "does not have: put the values on the choices sheet and read them "
                             "with a choice_filter, or write them in the calculation",
                             "survey", number, book.header_for("survey", key) or key)
        if kind == "note" and not cells.get("name"):  # pyxform names it after its row
            cells = {**cells, "name": f"generated_note_name_{number}"}
        _check_question(book, cells, kind, number, header, problems)
        if kind == "begin_group" and "table-list" in (cells.get("appearance") or "").split() \
                and (labelled or _has_text(book, row, "hint")):
            # pyxform moves a table's label and hint into a note of their own at its top.
            book.question_rows.setdefault(f"generated_table_list_label_{number}", number)
        if found.or_other and cells.get("name"):  # pyxform's "Specify other." question
            book.question_rows.setdefault(f"{cells['name']}_other", number)
    for kind, number, text in open_blocks:
        problems.add(f'this "{text}" has no "end {kind}" after it', "survey", number,
                     header["type"])


def _labelled(book: Workbook, sheet: str, row: dict[str, str]) -> bool:
    return _has_text(book, row, "label", sheet)


def _has_text(book: Workbook, row: dict[str, str], key: str, sheet: str = "survey") -> bool:
    meanings = book.columns.get(sheet, {})
    return any(v not in (None, "") for h, v in row.items()
               if h in meanings and meanings[h].key == key)


def _metadata(book: Workbook, cells: dict[str, str], number: int, header: dict[str, str],
              problems: Problems) -> None:
    """ODK's metadata rows (start, end, today, deviceid...): never asked. `today` is
    computed; the rest are left out of what is sent, with a warning saying why."""
    text = " ".join(cells["type"].split())
    name = cells.get("name") or text
    if text in METADATA_FILLED:
        book.question_rows.setdefault(name, number)
        problems.add(f'"{text}" is filled in by the kiosk with the date of the visit', "survey",
                     number, header["type"], severity="warning")
        return
    book.left_out.setdefault(name, number)
    why = METADATA_DROPPED.get(text, "a kiosk has no device owner or account to read it from")
    problems.add(f'"{text}" is ODK metadata the kiosk does not send ({why}); the row is left '
                 "out", "survey", number, header["type"], severity="warning")


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
                     "starting with a letter or _", "survey", number, header["name"])
    elif name in book.question_rows:
        problems.add(f'the name "{name}" is already used on row {book.question_rows[name]}; '
                     "each name must be unique in the whole form", "survey", number,
                     header["name"])
    else:
        book.question_rows[name] = number
    kind = kind.removeprefix("begin_")
    if cells.get("appearance"):
        why, ignored = appearance_problem(_KIND_OF.get(kind, kind), cells["appearance"])
        if why:
            problems.add(why, "survey", number, header["appearance"])
        if kind == "group" and "table-list" in ignored:  # pyxform makes it a field-list
            ignored.remove("table-list")
            problems.add('the appearance "table-list" is shown as "field-list": the questions '
                         "on one page, each with its own tiles, not as a table", "survey",
                         number, header["appearance"], severity="warning")
        if ignored:
            words = ", ".join(f'"{word}"' for word in ignored)
            problems.add(f"the appearance {words} is ignored: it only changes how ODK lays "
                         "the question out, and the kiosk shows one question a page with its "
                         "choices as tiles", "survey", number, header["appearance"],
                         severity="warning")
    for key in ("read_only", "receipt"):
        if cells.get(key) and cells[key].strip().lower() not in _YES_NO:
            problems.add(f'{key} must be yes or no (found "{cells[key]}")', "survey", number,
                         header[key])
    if cells.get("default") and default_is_dynamic(cells["default"], kind):
        problems.add("a default worked out from an expression is not supported on the kiosk; "
                     "use a calculation", "survey", number, header["default"])


def _check_choices(book: Workbook, problems: Problems) -> None:
    header = {key: book.header_for("choices", key) or key for key in ("list_name", "name")}
    unlabelled: dict[str, list[int]] = {}
    for number, row in book.rows("choices"):
        cells = book.cells("choices", row)
        list_name, name = cells.get("list_name"), cells.get("name")
        if not list_name:
            problems.add("the choice has no list_name", "choices", number, header["list_name"])
            continue
        book.list_rows.setdefault(list_name, number)
        if name and not _labelled(book, "choices", row):
            unlabelled.setdefault(list_name, []).append(number)
        if not name:
            problems.add("the choice has no name", "choices", number, header["name"])
        elif (list_name, name) in book.option_rows and not book.allow_choice_duplicates:
            problems.add(f'the list "{list_name}" already has the choice "{name}" on row '
                         f"{book.option_rows[(list_name, name)]} (allow_choice_duplicates on "
                         "the settings sheet allows it)", "choices", number, header["name"])
        else:
            book.option_rows.setdefault((list_name, name), number)
    label = book.header_for("choices", "label") or "label"
    for list_name, rows in unlabelled.items():
        if list_name not in book.used_lists:  # pyxform leaves an unused list out, too
            book.unused_lists.add(list_name)
            problems.add(f'the list "{list_name}" is used by no question and has choices without '
                         "a label; it is left out", "choices", rows[0], label,
                         severity="warning")
            continue
        for number in rows:
            problems.add("the choice has no label (only a picture or nothing): the kiosk shows "
                         "words, not pictures; give it a label", "choices", number, label)


def _check_references(book: Workbook, problems: Problems) -> None:
    """Every ${name} in the survey and settings names a question, and every select names a
    list: pyxform stops at the first that does not; this tells the author of all of them."""
    names = book.question_rows
    for sheet in ("survey", "settings"):
        for number, row in book.rows(sheet):
            for header, value in row.items():
                meaning = book.columns.get(sheet, {}).get(header)
                if meaning is None or meaning.ignored:
                    continue  # notes for the authors may say anything
                for name in _REFERENCE.findall(str(value)):
                    if name.strip() in book.left_out:
                        problems.add(f"${{{name}}} is ODK metadata the kiosk does not send "
                                     f"(row {book.left_out[name.strip()]}): write this without "
                                     "it", sheet, number, header)
                    elif name.strip() not in names:
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
