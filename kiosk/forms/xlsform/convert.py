"""The second pass: pyxform's own conversion of the workbook (what `parse_file_to_json` does),
then its dict turned into the kiosk's form model, question by question.

Expressions keep XLSForm's `${name}` syntax: the kiosk's evaluator speaks it."""

from __future__ import annotations

import re
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.xls2json import workbook_to_json

from .problems import Problems
from .question_types import (
    APPEARANCES,
    HIDDEN_CALCULATION,
    METADATA_FILLED,
    PRESETS,
    SAME_AS,
    SAME_TYPES,
)
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
         "parameters", "max_length", "normalise", "profile", "media", "guidance_hint",
         "element"}
_PYXFORM_ROW = re.compile(r"^\[row : (\d+)\]\s*")
_PYXFORM_SHEET = re.compile(r"On the '(\w+)' sheet")
_EXCEL_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2} 00:00:00$")
_COUNT_REF = re.compile(r"^\$\{([^}]+)\}$")
_YES = {"yes", "true", "true()"}
_TABLE_HEADER = "reserved_name_for_field_list_labels_"  # pyxform's, in a table-list
_BARE_NAME = re.compile(r"^\s*[A-Za-z_][\w.-]*\s*$")
_PARENT_REF = re.compile(r"\.\./([A-Za-z_][\w.-]*)")
# control keys that only lay a question out (warned of by the first pass).
_LAYOUT_CONTROL = {"rows", "autoplay"}
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
    form: dict[str, Any] = {
        "form_id": survey.get("id_string"),
        # No version is what ODK sends then too (none), so the server still matches it.
        "version": str(survey.get("version") or ""),
        "title": converter.setting_text(survey.get("title"), "title"),
        "default_language": languages.default,
        "languages": languages.order,
    }
    settings: dict[str, Any] = {}
    for key in _SETTINGS:
        value = survey.get(key)
        if key in _SETTINGS_TEXTS:
            value = converter.setting_text(value, key)
        if key == "instance_name" and isinstance(value, str) and _BARE_NAME.match(value):
            # ODK reads a bare word as the path to an element that is not there: the
            # submission's name is empty. Name it in quotes ('...') to give it one.
            problems.add(f"instance_name {value} is a path to nothing, so ODK names each "
                         f"submission with nothing, and so does the kiosk; to name them, put it "
                         f"in quotes: '{value}'", "settings", 2,
                         book.header_for("settings", "instance_name"), severity="warning")
            value = "''"  # an empty name, sent as ODK sends it: <instanceName/>
        if value not in (None, ""):
            settings[key] = value
    if book.allow_choice_duplicates:
        settings["allow_choice_duplicates"] = True
    root = survey.get("name")  # pyxform's instance root: the setting `name`, else `data`
    if isinstance(root, str) and root not in ("", "data"):
        settings["instance_root"] = root
    if settings:
        form["settings"] = settings
    children = [c for c in survey.get("children", []) if not _is_meta(c)]
    form["survey"] = converter.questions(children)
    form["choices"] = {
        list_name: [converter.option(list_name, option) for option in options]
        for list_name, options in (survey.get("choices") or {}).items()
        if list_name not in book.unused_lists
    }
    return form


def _is_meta(node: Node) -> bool:
    # pyxform adds a bodyless `meta` group (instanceID, instanceName); the kiosk keeps its
    # own instance id, and instance_name comes from the settings sheet.
    return node.get("name") == "meta" and bool((node.get("control") or {}).get("bodyless"))


class _Converter:
    def __init__(self, book: Workbook, problems: Problems):
        self.book, self.problems = book, problems
        self.names: set[str] = set()  # given so far: a loop's questions are renamed apart

    def text(self, value: Any, row: int | None, key: str, sheet: str = "survey") -> Any:
        """A text in every language; one missing in some is filled in (languages.py), with
        a warning naming the first empty language column."""
        def missing(codes: list[str], shown: str) -> None:
            header = self.book.text_header(sheet, key, codes[0]) or key
            self.problems.add(f"the text has no {', '.join(codes)} version, so the {shown} "
                              'one is shown in its place (ODK shows "-")', sheet, row, header,
                              severity="warning")
        return self.book.languages.text(value, missing=missing)

    def setting_text(self, value: Any, key: str) -> Any:
        if isinstance(value, dict):
            return self.text(value, 2, key, "settings")
        return self.book.languages.text(value, same_in_all=True)

    def questions(self, nodes: list[Node], rows: dict[str, int] | None = None) -> list[dict[str, Any]]:
        # A literal repeat_count makes pyxform add a calculate `<repeat>_count` beside the
        # repeat, with no row of its own: fold it back into the repeat's repeat_count.
        rows = rows if rows is not None else self.book.question_rows
        added: dict[str | None, Node] = {n.get("name"): n for n in nodes
                                         if n.get("name") not in rows}
        result = []
        for node in nodes:
            name = node.get("name")
            if name in self.book.left_out:
                continue  # ODK metadata the kiosk does not send (warned in the first pass)
            if str(name).startswith(_TABLE_HEADER):
                continue  # a table-list's row of choice labels: only layout, never answered
            if name in added:
                if not self._is_count_of_a_repeat(name, nodes):
                    self.problems.add(f'pyxform added a question "{name}" that has no row in '
                                      "the survey sheet; the kiosk cannot use it")
                continue
            if node.get("type") == "loop":
                result.append(self.loop(node, rows))
            else:
                result.append(self.question(node, added, rows))
        return result

    def _is_count_of_a_repeat(self, name: str | None, nodes: list[Node]) -> bool:
        return any(n.get("type") == "repeat" and
                   (n.get("control") or {}).get("jr:count") == f"${{{name}}}" for n in nodes)

    def loop(self, node: Node, rows: dict[str, int]) -> dict[str, Any]:
        """`begin loop over LIST`: as pyxform builds it, a group holding one group per choice
        (but "none"), each with the loop's questions, `%(label)s` and `%(name)s` in them
        replaced by the choice's. The kiosk needs unique names: a question asked once per
        choice is named `<choice>_<name>`, and sent as pyxform names it (`element`)."""
        row = rows.get(node["name"])
        columns = []
        for column in node.get("columns") or []:
            if column.get("name") == "none":
                continue
            children = []
            inner: dict[str, int] = {}
            for child in node.get("children") or []:
                copied = _substituted(child, column)
                original = child.get("name")
                copied["name"] = f"{column['name']}_{copied['name']}"
                copied["element"] = copied.get("element") or original  # as pyxform names it
                inner[copied["name"]] = rows.get(original, row or 0)
                children.append(copied)
            self.book.question_rows.update(inner)
            group = {"type": "group", "name": column["name"], "label": column.get("label"),
                     "children": children}
            self.book.question_rows.setdefault(column["name"], row or 0)
            columns.append(group)
        loop = {"type": "group", "name": node["name"], "label": node.get("label"),
                "children": columns}
        return self.question(loop, {}, rows)

    def question(self, node: Node, added: dict[str | None, Node],
                 rows: dict[str, int]) -> dict[str, Any]:
        name = node["name"]
        row = rows.get(name)
        bind, control = dict(node.get("bind") or {}), dict(node.get("control") or {})
        appearance = control.pop("appearance", None)
        type_cell = node.get("type")
        if isinstance(type_cell, str):  # pyxform keeps "q int", "add text prompt" as written
            type_cell = SAME_AS.get(type_cell, type_cell)
        kind = _TYPES.get(type_cell) if isinstance(type_cell, str) else None
        if node.get("type") in _CAMERA and appearance == "signature":
            kind, appearance = "signature", None  # the appearance became the type
        if type_cell in PRESETS:  # pyxform's constraint and hint for the type, unless given
            kind = PRESETS[type_cell]
            preset = QUESTION_TYPE_DICT[type_cell]
            bind.setdefault("constraint", preset["bind"]["constraint"])
            if preset.get("hint"):
                node = {"hint": preset["hint"], **{k: v for k, v in node.items() if v}}
        elif type_cell == "hidden":
            kind = "calculate"
            bind.setdefault("calculate", HIDDEN_CALCULATION)
        elif type_cell in METADATA_FILLED:
            kind = "calculate"
            bind["calculate"] = METADATA_FILLED[type_cell]
        if kind is None:  # the first pass refuses these; this is a safety net
            self.problems.add(f'"{node.get("type")}" is not supported on the kiosk', "survey",
                              row, "type")
        question: dict[str, Any] = {"type": kind, "name": name}
        self._put(question, "element", node.get("element"))
        if kind in ("select_one", "select_multiple"):
            question["choices"] = node.get("list_name") or node.get("itemset")
        self._put(question, "choice_filter", node.get("choice_filter"))
        self._put(question, "receipt", _flag(node.get("receipt")))
        self._put(question, "check_digit", node.get("check_digit"))
        self._put(question, "max_length", node.get("max_length"))
        self._put(question, "normalise", node.get("normalise"))
        self._put(question, "profile", node.get("profile"))
        relevant = bind.pop("relevant", None)
        if isinstance(relevant, str) and name.endswith("_other"):
            relevant = _PARENT_REF.sub(r"${\1}", relevant)  # or_other's "Specify other."
        self._put(question, "relevant", relevant)
        self._put(question, "appearance", _acted_on(kind, appearance))
        self._put(question, "label", self.text(node.get("label"), row, "label"))
        self._put(question, "hint", self.text(node.get("hint"), row, "hint"))
        self._put(question, "required", _flag(bind.pop("required", None)))
        self._put(question, "required_message",
                  self.text(bind.pop("jr:requiredMsg", None), row, "required_message"))
        self._put(question, "constraint", bind.pop("constraint", None))
        self._put(question, "constraint_message",
                  self.text(bind.pop("jr:constraintMsg", None), row, "constraint_message"))
        self._put(question, "calculation", bind.pop("calculate", None))
        default = node.get("default")
        if kind == "date" and isinstance(default, str) and _EXCEL_MIDNIGHT.match(default):
            # A cell Excel typed as a date reaches pyxform as a date and time, which ODK cannot
            # read as a date: it starts the question empty, and so does the kiosk.
            self.problems.add(f"the default {default!r} is a date and a time (Excel typed the "
                              "cell as a date), which ODK cannot read as a date: the question "
                              f"starts empty there and here; to give it a default, write the "
                              f"date as text: {default[:10]}", "survey", row,
                              self.book.header_for("survey", "default"), severity="warning")
            default = None
        self._put(question, "default", default)
        if _flag(bind.pop("readonly", None)):
            question["read_only"] = True
        count = control.pop("jr:count", None)
        if count is not None:
            ref = _COUNT_REF.match(count)
            folded = added.get(ref[1]) if ref else None
            question["repeat_count"] = (folded.get("bind") or {}).get("calculate") \
                if folded else count
        self._put(question, "add_label", self.text(node.get("add_label"), row, "add_label"))
        if "children" in node:
            question["children"] = self.questions(node["children"], rows)
        self._report_unread(node, bind, control, row)
        return question

    def _report_unread(self, node: Node, bind: Node, control: Node, row: int | None) -> None:
        # Whatever pyxform kept that the kiosk did not read would be lost: say so instead.
        # The first pass has already warned of what is only layout (media, rows, parameters).
        ignored = {h for h, c in self.book.columns.get("survey", {}).items() if c.ignored}
        left = {k: v for k, v in node.items()
                if k not in _READ and k not in ignored and v not in (None, "", {}, [])}
        left.update({f"bind {k}": v for k, v in bind.items() if v not in (None, "")})
        left.update({f"control {k}": v for k, v in control.items()
                     if v not in (None, "") and k not in _LAYOUT_CONTROL})
        for key in left:
            self.problems.add(f'"{key}" is not supported on the kiosk', "survey", row)

    def option(self, list_name: str, option: Node) -> dict[str, Any]:
        row = self.book.option_rows.get((list_name, str(option.get("name"))))
        converted: dict[str, Any] = {"name": option.get("name"),
                                     "label": self.text(option.get("label"), row, "label",
                                                        "choices")}
        for key, value in option.items():
            if key in ("name", "label", "media"):
                continue  # media: warned of in the first pass; the words are shown
            if isinstance(value, dict):
                self.problems.add(f'"{key}" is not supported on the kiosk', "choices", row, key)
                continue
            converted[key] = value
        return converted

    @staticmethod
    def _put(question: dict[str, Any], key: str, value: Any) -> None:
        if value not in (None, "", {}):
            question[key] = value


def _acted_on(kind: str | None, appearance: Any) -> str | None:
    """The appearance words the kiosk acts on; the others only change ODK's layout (the
    first pass warned of them)."""
    if not isinstance(appearance, str):
        return None
    words = [w for w in appearance.split() if w in APPEARANCES.get(kind or "", set())]
    return " ".join(words) or None


def _substituted(template: Node, column: Node) -> Node:
    """A loop's question for one choice: pyxform's `%(name)s` / `%(label)s` substitution."""
    labels = column.get("label")
    result: Node = {}
    for key, value in template.items():
        if isinstance(value, str):
            result[key] = _fill(value, column["name"], labels)
        elif isinstance(value, dict) and key in ("label", "hint", "bind", "control"):
            result[key] = {k: _fill(v, column["name"],
                                    labels.get(k, labels) if isinstance(labels, dict) else labels)
                           if isinstance(v, str) else v for k, v in value.items()}
        else:
            result[key] = value
    return result


def _fill(text: str, name: str, label: Any) -> str:
    if isinstance(label, dict):  # a column's label in another language than this text's
        label = next(iter(label.values()), "")
    return text.replace("%(name)s", name).replace("%(label)s", str(label or ""))


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
