"""What each column header of an XLSForm means to the kiosk.

Headers are read with pyxform's own header parser (its aliases included: `relevance`,
`calculate`, `readonly`, `caption`...), so a header means here what it means to pyxform. A
column the kiosk would ignore is an error, never silently dropped."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pyxform import aliases
from pyxform.parsing.sheet_headers import process_header
from pyxform.question import MultipleChoiceQuestion, Option
from pyxform.survey import Survey

TEXT = "text"  # a column that may differ by language
PLAIN = "plain"

# pyxform's parsed header (its tokens without the language) -> the kiosk's key, and kind.
Headers = dict[tuple[str, ...], tuple[str, str]]
_SURVEY: Headers = {
    ("type",): ("type", PLAIN), ("name",): ("name", PLAIN),
    ("label",): ("label", TEXT), ("hint",): ("hint", TEXT),
    ("bind", "required"): ("required", PLAIN),
    ("bind", "jr:requiredMsg"): ("required_message", TEXT),
    ("bind", "relevant"): ("relevant", PLAIN),
    ("bind", "constraint"): ("constraint", PLAIN),
    ("bind", "jr:constraintMsg"): ("constraint_message", TEXT),
    ("bind", "calculate"): ("calculation", PLAIN),
    ("choice_filter",): ("choice_filter", PLAIN),
    ("control", "appearance"): ("appearance", PLAIN),
    ("default",): ("default", PLAIN),
    ("bind", "readonly"): ("read_only", PLAIN),
    ("control", "jr:count"): ("repeat_count", PLAIN),
    # The kiosk's own columns, which other XLSForm tools ignore.
    ("receipt",): ("receipt", PLAIN), ("check_digit",): ("check_digit", PLAIN),
    ("add_label",): ("add_label", TEXT), ("max_length",): ("max_length", PLAIN),
    ("normalise",): ("normalise", PLAIN), ("profile",): ("profile", PLAIN),
}
_CHOICES: Headers = {
    ("list name",): ("list_name", PLAIN), ("name",): ("name", PLAIN), ("label",): ("label", TEXT),
}
_SETTINGS: Headers = {
    ("title",): ("title", TEXT), ("id_string",): ("form_id", PLAIN),
    ("version",): ("version", PLAIN), ("default_language",): ("default_language", PLAIN),
    ("public_key",): ("public_key", PLAIN), ("submission_url",): ("submission_url", PLAIN),
    ("instance_name",): ("instance_name", PLAIN),
    ("name",): ("instance_root", PLAIN),  # pyxform's root element of the instance
    # The kiosk's own settings: where submissions go and what the service tile says.
    ("destination",): ("destination", PLAIN), ("icon",): ("icon", PLAIN),
    ("description",): ("description", TEXT), ("next_steps",): ("next_steps", TEXT),
    ("submit_label",): ("submit_label", TEXT),
    ("allow_choice_duplicates",): ("allow_choice_duplicates", PLAIN),
}
_KNOWN: dict[str, Headers] = {"survey": _SURVEY, "choices": _CHOICES, "settings": _SETTINGS}
_ALIASES = {"survey": aliases.survey_header, "choices": aliases.list_header,
            "settings": aliases.settings_header}
_PYXFORM_COLUMNS = {
    "survey": set(MultipleChoiceQuestion.get_slot_names()),
    "choices": set(Option.get_slot_names()),
    "settings": set(Survey.get_slot_names()),
}
# What authors type, for "did you mean" (the XLSForm spellings, not pyxform's internal ones).
_SPELLINGS = {
    "survey": ["type", "name", "label", "hint", "required", "required_message", "relevant",
               "constraint", "constraint_message", "calculation", "choice_filter", "appearance",
               "default", "read_only", "repeat_count", "receipt", "check_digit", "add_label",
               "max_length", "normalise", "profile"],
    "choices": ["list_name", "name", "label"],
    "settings": ["form_title", "form_id", "version", "default_language", "public_key",
                 "submission_url", "instance_name", "destination", "icon", "description",
                 "next_steps", "submit_label"],
}
# Columns the kiosk cannot serve: the answer would differ from ODK's.
_WHY_NOT = {
    "trigger": "triggers are not supported on the kiosk; use a calculation",
    "instance": "attributes on the answer are not supported on the kiosk",
    "bind": "custom bind attributes are not supported on the kiosk",
    "save_to": "entities are not supported on the kiosk",
    "prefix": "SMS settings are not supported on the kiosk",
    "delimiter": "SMS settings are not supported on the kiosk",
    "omit_instanceID": "the kiosk always sends the instance ID",
    "add_none_option": 'add a "none" choice to the list instead',
}
# Columns that change only how ODK shows a question or behaves on a phone: ignored, with a
# warning (a kiosk shows words as tiles, one question a page, and always sends at once).
_IGNORED = {
    "media": "pictures and sound are not shown on the kiosk; the words are",
    "guidance_hint": "guidance hints are not shown on the kiosk; put what a citizen needs in "
                     "the hint",
    "parameters": "parameters are ignored on the kiosk (a random order, a picture's size)",
    "control": "it only changes how ODK lays the question out",
    "style": "it only changes how Enketo lays the form out",
    "clean_text_values": "pyxform has already tidied the texts",
    "flat": "it only changes how Enketo lays the form out",
    "namespaces": "the kiosk sends no custom attributes",
    "auto_send": "the kiosk always sends at once", "auto_delete": "the kiosk keeps nothing "
    "readable once sent", "client_editable": "a citizen cannot edit a sent form",
    "xml_root": "pyxform names the instance's root after the setting `name` (or `data`), and "
    "so does the kiosk", "instance_xmlns": "the kiosk sends the standard namespace",
}
# Empty-looking values of a setting: as if it were not there.
_OFF = {"", "false", "no", "false()", "0"}
@dataclass(frozen=True)
class Column:
    header: str  # as the author wrote it
    key: str | None = None  # the kiosk's name for it; None for a problem
    language: str | None = None  # pyxform's language key ('French (fr)'), for a text column
    problem: str | None = None
    extra: bool = False  # a choices column a choice_filter can read
    ignored: bool = False  # `problem` is then a warning: the column is read by no one


def classify(sheet: str, header: str, use_double_colon: bool) -> Column:
    _, tokens = process_header(header, use_double_colon, _ALIASES[sheet], _PYXFORM_COLUMNS[sheet])
    known = _KNOWN[sheet]
    if tuple(tokens) in known:
        key, _kind = known[tuple(tokens)]
        return Column(header, key)
    if tuple(tokens[:-1]) in known and len(tokens) > 1:
        key, kind = known[tuple(tokens[:-1])]
        if kind == TEXT:
            return Column(header, key, language=tokens[-1])
        return Column(header, problem=f'"{key}" is the same in every language: use one '
                                      f'"{header.split(":")[0].strip()}" column')
    first = tokens[0]
    if first.startswith("sms_"):
        return Column(header, problem="SMS columns are not supported on the kiosk")
    if sheet == "choices" and len(tokens) == 1 and first not in _WHY_NOT \
            and first not in _IGNORED:
        return Column(header, first, extra=True)
    if first in _WHY_NOT:
        return Column(header, problem=_WHY_NOT[first])
    if first in _IGNORED:
        return Column(header, problem=_IGNORED[first], ignored=True)
    return Column(header, problem=_unknown(sheet, header), ignored=True)


def is_off(value: str) -> bool:
    """A setting written as FALSE or no is as good as absent."""
    return str(value).strip().lower() in _OFF


def _unknown(sheet: str, header: str) -> str:
    """A column pyxform does not know: ODK ignores it (notes for the authors), and so does
    the kiosk, saying so in case it was meant to be one it knows."""
    close = difflib.get_close_matches(header.split("::")[0].strip().lower(), _SPELLINGS[sheet], n=1)
    suggestion = f' (did you mean "{close[0]}"?)' if close else ""
    what = "setting" if sheet == "settings" else "column"
    return f"not a {what} XLSForm knows, so it is ignored, as ODK ignores it{suggestion}"
