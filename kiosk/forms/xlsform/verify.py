"""The last pass: write the form as YAML and load it with the kiosk's own loader, so an
imported form is refused for exactly what `kiosk forms check` would refuse. The loader's
problems name questions and YAML keys; they are told back by sheet, row and column."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..form import Form
from ..loader import load_form
from ..problems import FormError, Problem
from .problems import Problems, SheetProblem
from .workbook import Workbook

_ON_THE_TYPE_ROW = ("type", "choices", "children")
_SETTINGS = {"title": "form_title", "form_id": "form_id", "version": "version",
             "default_language": "default_language", "instance_name": "instance_name",
             "destination": "destination", "description": "description", "icon": "icon",
             "next_steps": "next_steps", "submit_label": "submit_label",
             "public_key": "public_key", "submission_url": "submission_url",
             "currency": "currency"}
_MISSING_LANGUAGE = re.compile(r"has no (\S+?)[, ]")
_LIST_IN_MESSAGE = re.compile(r"the choice list '([^']+)'")


def to_yaml(form: dict[str, Any], source_name: str) -> str:
    header = (f"# Imported from {source_name} by `kiosk forms import`. Change the spreadsheet "
              "and import it\n# again rather than editing this file, so the two stay the same.\n")
    body = yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=4096,
                          default_flow_style=False)
    return header + body


def load_imported(text: str, stem: str, book: Workbook, problems: Problems) -> Form | None:
    """The form as the kiosk will load it; its problems are added to `problems`."""
    with tempfile.TemporaryDirectory(prefix="kiosk-import-") as folder:
        path = Path(folder) / f"{stem}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            form = load_form(path)
        except FormError as failure:
            for problem in failure.problems:
                _tell(problems, locate(problem, book))
            return None
    for warning in form.warnings:
        _tell(problems, locate(warning, book))
    return form


def _tell(problems: Problems, problem: SheetProblem) -> None:
    problems.add(problem.message, problem.sheet, problem.row, problem.column, problem.severity)


def locate(problem: Problem, book: Workbook) -> SheetProblem:
    """Where in the workbook a loader problem is."""
    column, message = problem.column or "", problem.message
    if problem.question and problem.question in book.question_rows:
        key = "type" if column in _ON_THE_TYPE_ROW else column
        return SheetProblem(message, "survey", book.question_rows[problem.question],
                            _header(book, "survey", key, message) if key else None,
                            problem.severity)
    key = column.removeprefix("settings.")
    if key in _SETTINGS:
        return SheetProblem(message, "settings", 2 if book.rows("settings") else None,
                            _header(book, "settings", key, message) or _SETTINGS[key],
                            problem.severity)
    if column.startswith("choices."):  # choices.<list>.<option>.label
        _, list_name, rest = column.split(".", 2)
        option, _, key = rest.rpartition(".")
        return SheetProblem(message, "choices", book.option_rows.get((list_name, option)),
                            _header(book, "choices", key, message), problem.severity)
    if column == "choices":
        listed = _LIST_IN_MESSAGE.search(message)
        row = book.list_rows.get(listed[1]) if listed else None
        return SheetProblem(message, "choices", row, None, problem.severity)
    return SheetProblem(message, severity=problem.severity)


def _header(book: Workbook, sheet: str, key: str, message: str) -> str:
    """The author's header for a key; for a text missing a language, that language's one."""
    missing = _MISSING_LANGUAGE.search(message + " ")
    columns = book.columns.get(sheet, {})
    if missing:
        for header, column in columns.items():
            if column.key == key and column.language and \
                    book.languages.codes.get(column.language) == missing[1]:
                return header
    if key in ("label", "hint", "required_message", "constraint_message", "add_label",
               "title", "description", "next_steps", "submit_label"):
        texts = [h for h, c in columns.items() if c.key == key]
        if texts:
            return texts[0].split("::")[0].strip()
    return book.header_for(sheet, key) or _SETTINGS.get(key) or key
