"""XLSForm question types and appearances, mapped to the kiosk's; anything else is refused
with the reason, so an author knows what to use instead.

The type cell is matched with pyxform's own patterns and aliases (`select_one x`,
`select one x`, `begin_group`, `begin group`...), so a type means here what it means to pyxform.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pyxform import aliases, constants
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.xls2json import RE_BEGIN_CONTROL, RE_END_CONTROL, RE_SELECT

# Types that mean the same on the kiosk. phone, email, id_number and signature are the
# kiosk's own (other XLSForm tools refuse them, or read `email` as the device's account).
SAME_TYPES = {
    "text": "text", "string": "text", "integer": "integer", "int": "integer",
    "decimal": "decimal", "date": "date", "time": "time", "note": "note",
    "calculate": "calculate", "acknowledge": "acknowledge", "trigger": "acknowledge",
    "phone": "phone", "email": "email", "id_number": "id_number", "signature": "signature",
}
_CAMERA = {"image", "photo", "add image prompt", "add photo prompt", "q image", "q picture"}
_WHY = {
    "gps": "the kiosk has no GPS or map; ask for the place as text",
    "sound": "the kiosk does not record sound or video",
    "camera": 'the kiosk has no camera; for a signature drawn with a finger use the '
              'appearance "signature"',
    "file": "the kiosk cannot receive files",
    "barcode": "the kiosk has no scanner; ask for the number with id_number or text",
    "datetime": "ask for the date and the time as two questions, date and time",
    "range": "use integer with a constraint",
    "rank": "use select_multiple",
}
_REASONS = {
    **dict.fromkeys(("geopoint", "geotrace", "geoshape", "gps", "location", "start-geopoint",
                     "background-geopoint", "add location prompt", "q geopoint", "q geoshape",
                     "q geotrace", "q location"), "gps"),
    **dict.fromkeys(("audio", "video", "background-audio", "add audio prompt",
                     "add video prompt", "q audio", "q video"), "sound"),
    **dict.fromkeys(_CAMERA, "camera"),
    **dict.fromkeys(("file", "add file prompt"), "file"),
    **dict.fromkeys(("barcode", "add barcode prompt", "q barcode"), "barcode"),
    **dict.fromkeys(("dateTime", "datetime", "date time", "add dateTime prompt",
                     "add date time prompt", "q dateTime", "q date time"), "datetime"),
    "range": "range",
    # phone number (two words) is a question: see PRESETS below.
}
# ODK's metadata: filled in by the device, never asked. The kiosk fills what it can and leaves
# out the rest (a server takes a submission without them), with a warning naming each.
METADATA_FILLED = {"today": "today()", "get today": "today()"}
METADATA_DROPPED = {
    **dict.fromkeys(("start", "end", "start time", "end time", "get start time",
                     "get end time"),
                    "the kiosk records when each visit started and finished itself"),
    **dict.fromkeys(("deviceid", "device id", "imei", "uri:deviceid", "get device id",
                     "subscriberid", "subscriber id", "uri:subscriberid", "get subscriber id",
                     "simserial", "sim id", "uri:simserial", "get sim id", "username",
                     "uri:username", "email", "uri:email", "phonenumber", "uri:phonenumber",
                     "get phone number", "audit"),
                    "a kiosk has no device owner, account or SIM to read it from"),
}
# pyxform's types that are a plain question with its own constraint (and hint): `phone number`
# is text limited to digits, `percentage` an integer from 0 to 100... The kiosk asks them as
# pyxform builds them (their constraint and hint are in pyxform's type dictionary).
PRESETS = {"phone number": "text", "percentage": "integer",
           "number of days in last month": "integer",
           "number of days in last six months": "integer",
           "number of days in last year": "integer"}
# `hidden` is an answer no one gives or computes: sent empty, as ODK sends it.
HIDDEN_CALCULATION = "''"

# The appearances the kiosk acts on.
APPEARANCES = {"group": {"field-list"}, "text": {"multiline"}, "signature": {"signature"},
               "acknowledge": {"declaration"},  # asked on check answers, above Send
               "integer": {"money"}, "decimal": {"money"}}
# Appearances that need what a kiosk has not, or change the answer: refused, with what to do.
REFUSED_APPEARANCES = {
    "maps": "the kiosk has no map; ask for the place as text",
    "placement-map": "the kiosk has no map; ask for the place as text",
    "image-map": "the kiosk shows no pictures; use the tiles of a select",
    "search": "search() reads a CSV file the kiosk does not have; put the choices on the "
              "choices sheet",
    "month-year": "ODK keeps only the month and year of the date; ask for the whole date, or "
                  "the month with a select_one",
    "year": "ODK keeps only the year of the date; ask for the year with an integer",
    "bearing": "the kiosk has no compass",
    "ex": "the kiosk cannot open another app; ask for the value as a question",
    "printer": "the kiosk prints its own receipt; mark answers with the receipt column",
}
def _same_as() -> dict[str, str]:
    """pyxform's other spellings of a type, by the one the kiosk knows: those whose entry in
    pyxform's type dictionary is the same as the known type's."""
    known = [*SAME_TYPES, *_REASONS, *METADATA_FILLED, *METADATA_DROPPED, *PRESETS, "hidden"]
    found = {}
    for text, entry in QUESTION_TYPE_DICT.items():
        if text not in known and "select" not in text:
            same = next((k for k in known if QUESTION_TYPE_DICT.get(k) == entry), None)
            if same:
                found[text] = same
    return found


@dataclass(frozen=True)
class RowType:
    kind: str | None  # a kiosk type, or begin_group / end_group / begin_repeat / end_repeat,
    # begin_loop / end_loop, "metadata" (never asked), "phone number" or "hidden"
    list_name: str | None = None
    problem: str | None = None
    or_other: bool = False  # select ... or_other: pyxform adds an "other" choice and question


def _refused(text: str, reason: str | None = None) -> RowType:
    why = f" ({reason})" if reason else ""
    return RowType(None, problem=f'"{text}" is not supported on the kiosk{why}')


SAME_AS = _same_as()


def row_type(cell: str, appearance: str | None) -> RowType:
    text = " ".join(str(cell).split())
    if match := RE_END_CONTROL.match(text):
        return RowType(f"end_{aliases.control[match['type']]}")
    if match := RE_BEGIN_CONTROL.match(text):
        control = aliases.control[match["type"]]
        if control == constants.LOOP:  # one group per choice of the list, as pyxform does
            return RowType("begin_loop", list_name=match["list_name"])
        if match["list_name"]:
            return _refused(text, f"a {control} is not over a choice list; remove the list")
        return RowType(f"begin_{control}")
    if match := RE_SELECT.match(text):
        return _select(text, match)
    if text in aliases.select:
        return RowType(None, problem=f'"{text}" needs the name of a choice list after it, '
                                     f'like "{text} yes_no"')
    if text in _CAMERA and "signature" in (appearance or "").split():
        return RowType("signature")
    if text in SAME_TYPES:
        return RowType(SAME_TYPES[text])
    if text in PRESETS or text == "hidden":
        return RowType(text)
    if text in METADATA_FILLED or text in METADATA_DROPPED:
        return RowType("metadata")
    if text in _REASONS:
        return _refused(text, _WHY[_REASONS[text]])
    if same := SAME_AS.get(text):  # pyxform's other names ("add integer prompt", "q int")
        return row_type(same, appearance)
    if text == "include":
        return _refused(text, "pyxform no longer includes other workbooks; copy the rows in")
    if text in QUESTION_TYPE_DICT:
        return _refused(text)
    close = difflib.get_close_matches(text, [*SAME_TYPES, "select_one", "select_multiple",
                                             "begin_group", "begin_repeat"], n=1)
    suggestion = f' (did you mean "{close[0]}"?)' if close else ""
    return RowType(None, problem=f'"{text}" is not a question type{suggestion}')


def _select(text: str, match: re.Match[str]) -> RowType:
    command = match["select_command"]
    if command in aliases.select_from_file:
        return _refused(text, "put the choices on the choices sheet")
    kind = aliases.select[command]
    other = bool(match["specify_other"])
    if kind == constants.SELECT_ONE:
        return RowType("select_one", list_name=match["list_name"], or_other=other)
    if kind == constants.SELECT_ALL_THAT_APPLY:
        return RowType("select_multiple", list_name=match["list_name"], or_other=other)
    if kind == constants.RANK:
        return _refused(text, _WHY["rank"])
    return _refused(text, "use select_one with a choice_filter")


def appearance_problem(kind: str, appearance: str) -> tuple[str | None, list[str]]:
    """Why an appearance cannot be served on this kind of question (or None), and the words
    that only change how ODK lays the question out, which the kiosk ignores (its tiles and
    one question a page lose no answer)."""
    ignored = []
    for word in appearance.split():
        if word in APPEARANCES.get(kind, set()):
            continue
        stem = re.split(r"[(:]", word, maxsplit=1)[0]
        if stem in REFUSED_APPEARANCES:
            return f'the appearance "{word}" is not supported on the kiosk: ' \
                   f"{REFUSED_APPEARANCES[stem]}", []
        ignored.append(word)
    return None, ignored
