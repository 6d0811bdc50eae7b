"""The second pass: pyxform's own conversion of the workbook (what `parse_file_to_json` does),
then its dict turned into the kiosk's form model, question by question.

Expressions keep XLSForm's `${name}` syntax: the kiosk's evaluator speaks it."""

from __future__ import annotations

import re
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json

from .problems import Problems
from .question_types import SAME_TYPES
from .workbook import Workbook

# pyxform's names for the types: the question types the kiosk shares with XLSForm, and the
# names pyxform gives selects, groups and repeats.
_TYPES = {
    **SAME_TYPES,
    "select one": "select_one", "select all that apply": "select_multiple",
    "group": "group", "repeat": "repeat",
}
_CAMERA = {"photo", "image"}
# Keys of pyxform's dict the converter reads; anything else left in a node is reported.
_READ = {"type", "name", "label", "hint", "bind", "control", "default", "choice_filter",
         "itemset", "list_name", "choices", "children", "receipt", "check_digit", "add_label",
         "parameters", "max_length", "normalise", "profile"}
_PYXFORM_ROW = re.compile(r"^\[row : (\d+)\]\s*")
_PYXFORM_SHEET = re.compile(r"On the '(\w+)' sheet")
_EXCEL_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2} 00:00:00$")
_COUNT_REF = re.compile(r"^\$\{([^}]+)\}$")
_YES = {"yes", "true", "true()"}
_SETTINGS = ("destination", "instance_name", "description", "icon", "next_steps", "submit_label",
             "public_key", "submission_url", "currency")
_SETTINGS_TEXTS = {"description", "next_steps", "submit_label"}
# pyxform's dict of a form, or of one question or option in it: JSON, as pyxform builds it.
Node = dict[str, Any]


def pyxform_dict(book: Workbook, problems: Problems) -> Node | None:
    """pyxform's dict of the form: `parse_file_to_json`, on the workbook already read."""
    try:
        survey: Node = workbook_to_json(workbook_dict=book.data, form_name="data",
                                        fallback_form_name=book.data.fallback_form_name,
                                        default_language="default", warnings=[])
        return survey
    except Exception as error:  # the first pass catches what it can; this is the rest
        message = str(error)
        if not isinstance(error, PyXFormError):  # a pyxform failure it has no words for
            message = f"{type(error).__name__}: {message}"
        row = _PYXFORM_ROW.match(message)
        sheet = _PYXFORM_SHEET.search(message)
        if row:
            message = message[row.end():]
        problems.add(f"pyxform cannot convert the form: {message}",
                     sheet[1] if sheet else "survey" if row else None,
                     int(row[1]) if row else None)
        return None


def to_kiosk_form(survey: Node, book: Workbook, problems: Problems) -> dict[str, Any]:
    """The kiosk's form model (a plain dict, ready to be written as YAML)."""
    converter = _Converter(book, problems)
    languages = book.languages
    settings_header = book.header_for("settings", "version") or "version"
    if not survey.get("version"):
        problems.add("the form has no version: add a version column to the settings sheet "
                     "(like 2026-11-27) and change it whenever the form changes", "settings",
                     2 if book.rows("settings") else None, settings_header)
    if not languages.order:
        problems.add("the form has no labels: add label columns, like \"label::English (en)\"",
                     "survey", 1)
    title = survey.get("title")
    form: dict[str, Any] = {
        "form_id": survey.get("id_string"),
        "version": survey.get("version"),
        "title": languages.text(title, same_in_all=True),
        "default_language": languages.default,
        "languages": languages.order,
    }
    settings: dict[str, Any] = {}
    for key in _SETTINGS:
        value = survey.get(key)
        if key in _SETTINGS_TEXTS:
            value = languages.text(value, same_in_all=True)
        if value not in (None, ""):
            settings[key] = value
    if settings:
        form["settings"] = settings
    children = [c for c in survey.get("children", []) if not _is_meta(c)]
    form["survey"] = converter.questions(children)
    form["choices"] = {
        list_name: [converter.option(list_name, option) for option in options]
        for list_name, options in (survey.get("choices") or {}).items()
    }
    return form


def _is_meta(node: Node) -> bool:
    # pyxform adds a bodyless `meta` group (instanceID, instanceName); the kiosk keeps its
    # own instance id, and instance_name comes from the settings sheet.
    return node.get("name") == "meta" and bool((node.get("control") or {}).get("bodyless"))


class _Converter:
    def __init__(self, book: Workbook, problems: Problems):
        self.book, self.problems = book, problems
        self.text = book.languages.text

    def questions(self, nodes: list[Node]) -> list[dict[str, Any]]:
        # A literal repeat_count makes pyxform add a calculate `<repeat>_count` beside the
        # repeat, with no row of its own: fold it back into the repeat's repeat_count.
        added: dict[str | None, Node] = {n.get("name"): n for n in nodes
                                         if n.get("name") not in self.book.question_rows}
        result = []
        for node in nodes:
            name = node.get("name")
            if name in added:
                if not self._is_count_of_a_repeat(name, nodes):
                    self.problems.add(f'pyxform added a question "{name}" that has no row in '
                                      "the survey sheet; the kiosk cannot use it")
                continue
            result.append(self.question(node, added))
        return result

    def _is_count_of_a_repeat(self, name: str | None, nodes: list[Node]) -> bool:
        return any(n.get("type") == "repeat" and
                   (n.get("control") or {}).get("jr:count") == f"${{{name}}}" for n in nodes)

    def question(self, node: Node, added: dict[str | None, Node]) -> dict[str, Any]:
        name = node["name"]
        row = self.book.question_rows.get(name)
        bind, control = dict(node.get("bind") or {}), dict(node.get("control") or {})
        appearance = control.pop("appearance", None)
        type_cell = node.get("type")
        kind = _TYPES.get(type_cell) if isinstance(type_cell, str) else None
        if node.get("type") in _CAMERA and appearance == "signature":
            kind, appearance = "signature", None  # the appearance became the type
        if kind is None:  # the first pass refuses these; this is a safety net
            self.problems.add(f'"{node.get("type")}" is not supported on the kiosk', "survey",
                              row, "type")
        question: dict[str, Any] = {"type": kind, "name": name}
        if kind in ("select_one", "select_multiple"):
            question["choices"] = node.get("list_name") or node.get("itemset")
        self._put(question, "choice_filter", node.get("choice_filter"))
        self._put(question, "receipt", _flag(node.get("receipt")))
        self._put(question, "check_digit", node.get("check_digit"))
        self._put(question, "max_length", node.get("max_length"))
        self._put(question, "normalise", node.get("normalise"))
        self._put(question, "profile", node.get("profile"))
        self._put(question, "relevant", bind.pop("relevant", None))
        self._put(question, "appearance", appearance)
        self._put(question, "label", self.text(node.get("label")))
        self._put(question, "hint", self.text(node.get("hint")))
        self._put(question, "required", _flag(bind.pop("required", None)))
        self._put(question, "required_message", self.text(bind.pop("jr:requiredMsg", None)))
        self._put(question, "constraint", bind.pop("constraint", None))
        self._put(question, "constraint_message", self.text(bind.pop("jr:constraintMsg", None)))
        self._put(question, "calculation", bind.pop("calculate", None))
        default = node.get("default")
        if kind == "date" and isinstance(default, str) and _EXCEL_MIDNIGHT.match(default):
            default = default[:10]  # a cell typed as a date reaches pyxform as a date and time
        self._put(question, "default", default)
        if _flag(bind.pop("readonly", None)):
            question["read_only"] = True
        count = control.pop("jr:count", None)
        if count is not None:
            ref = _COUNT_REF.match(count)
            folded = added.get(ref[1]) if ref else None
            question["repeat_count"] = (folded.get("bind") or {}).get("calculate") \
                if folded else count
        self._put(question, "add_label", self.text(node.get("add_label")))
        if "children" in node:
            question["children"] = self.questions(node["children"])
        self._report_unread(node, bind, control, row)
        return question

    def _report_unread(self, node: Node, bind: Node, control: Node, row: int | None) -> None:
        # Whatever pyxform kept that the kiosk did not read would be lost: say so instead.
        left = {k: v for k, v in node.items() if k not in _READ and v not in (None, "", {}, [])}
        left.update({f"bind {k}": v for k, v in bind.items() if v not in (None, "")})
        left.update({f"control {k}": v for k, v in control.items() if v not in (None, "")})
        if node.get("parameters"):
            left["parameters"] = node["parameters"]
        for key in left:
            self.problems.add(f'"{key}" is not supported on the kiosk', "survey", row)

    def option(self, list_name: str, option: Node) -> dict[str, Any]:
        converted: dict[str, Any] = {"name": option.get("name"),
                                     "label": self.text(option.get("label"))}
        for key, value in option.items():
            if key in ("name", "label"):
                continue
            if isinstance(value, dict):  # media by language: refused by the first pass
                row = self.book.option_rows.get((list_name, str(option.get("name"))))
                self.problems.add(f'"{key}" is not supported on the kiosk', "choices", row, key)
                continue
            converted[key] = value
        return converted

    @staticmethod
    def _put(question: dict[str, Any], key: str, value: Any) -> None:
        if value not in (None, "", {}):
            question[key] = value


def _flag(value: Any) -> Any:
    """yes / no as booleans; anything else (an expression) as it is."""
    if value is None:
        return None
    text = str(value).strip()
    if text.lower() in _YES:
        return True
    if text.lower() in ("no", "false", "false()", ""):
        return None
    return text
