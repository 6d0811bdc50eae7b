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
    "visit": "each submission records when the visit started and finished",
    "device": "the kiosk does not collect details of the device or its user",
    "phonenumber": "that is the device's own number; to ask for a phone number use phone",
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
    **dict.fromkeys(("start", "end", "today", "start time", "end time", "get start time",
                     "get end time", "get today"), "visit"),
    **dict.fromkeys(("deviceid", "device id", "imei", "subscriberid", "subscriber id",
                     "simserial", "sim id", "username", "audit", "uri:deviceid", "uri:email",
                     "uri:simserial", "uri:subscriberid", "uri:username", "get device id",
                     "get sim id", "get subscriber id"), "device"),
    **dict.fromkeys(("phonenumber", "phone number", "uri:phonenumber", "get phone number"),
                    "phonenumber"),
}
# The appearances the kiosk acts on; others would be silently ignored, so they are refused.
APPEARANCES = {"group": {"field-list"}, "text": {"multiline"}, "signature": {"signature"},
               "acknowledge": {"declaration"}}  # asked on check answers, above Send


@dataclass(frozen=True)
class RowType:
    kind: str | None  # a kiosk type, or begin_group / end_group / begin_repeat / end_repeat
    list_name: str | None = None
    problem: str | None = None


def _refused(text: str, reason: str | None = None) -> RowType:
    why = f" ({reason})" if reason else ""
    return RowType(None, problem=f'"{text}" is not supported on the kiosk{why}')


def row_type(cell: str, appearance: str | None) -> RowType:
    text = " ".join(str(cell).split())
    if match := RE_END_CONTROL.match(text):
        control = aliases.control[match["type"]]
        return RowType(f"end_{control}") if control != constants.LOOP else _refused(text)
    if match := RE_BEGIN_CONTROL.match(text):
        control = aliases.control[match["type"]]
        if control == constants.LOOP or match["list_name"]:
            return _refused(text, "use begin repeat")
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
    if text in _REASONS:
        return _refused(text, _WHY[_REASONS[text]])
    if text in QUESTION_TYPE_DICT:
        return _refused(text)
    close = difflib.get_close_matches(text, [*SAME_TYPES, "select_one", "select_multiple",
                                             "begin_group", "begin_repeat"], n=1)
    suggestion = f' (did you mean "{close[0]}"?)' if close else ""
    return RowType(None, problem=f'"{text}" is not a question type{suggestion}')


def _select(text: str, match: re.Match[str]) -> RowType:
    command = match["select_command"]
    if match["specify_other"]:
        return RowType(None, problem=f'"{text}": or_other is not supported on the kiosk; add an '
                                     '"other" choice and a text question with a relevant')
    if command in aliases.select_from_file:
        return _refused(text, "put the choices on the choices sheet")
    kind = aliases.select[command]
    if kind == constants.SELECT_ONE:
        return RowType("select_one", list_name=match["list_name"])
    if kind == constants.SELECT_ALL_THAT_APPLY:
        return RowType("select_multiple", list_name=match["list_name"])
    if kind == constants.RANK:
        return _refused(text, _WHY["rank"])
    return _refused(text, "use select_one with a choice_filter")


def appearance_problem(kind: str, appearance: str) -> str | None:
    """Why an appearance cannot be used on this kind of question, or None."""
    allowed = APPEARANCES.get(kind, set())
    for word in appearance.split():
        if word not in allowed:
            where = "; ".join(f"{', '.join(sorted(words))} on {name}"
                              for name, words in APPEARANCES.items())
            return f'the appearance "{word}" is not supported on the kiosk for {kind} ' \
                   f'(the kiosk knows {where})'
    return None
