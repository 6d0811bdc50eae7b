"""A submission as the XForm instance an OpenRosa server expects: the shape pyxform gives the
same form, so ODK Central or KoboToolbox file it under the right questions.

- the root element as pyxform names it (the form's `name` setting, else `data`), with `id` and
  `version` attributes;
- one element per question, in the form's order, empty when not answered; a question or group
  that was not relevant when the visit ended is left out, as ODK Collect leaves it; groups are
  nested elements; each repeat item is one more element of the repeat's name;
- select_multiple: the choice names separated by spaces; date: YYYY-MM-DD; time:
  HH:MM:SS.sss with the kiosk's UTC offset on the day of the visit (+HH:MM, Z at UTC: what
  JavaRosa writes for ODK Collect); acknowledge: OK; a signature: the name of an SVG file
  sent beside the XML;
- `meta/instanceID` (and `meta/instanceName` when the form sets instance_name), last.
Who helped the citizen (staff assistance) has no place in an XForm and is not sent.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from kiosk.forms.form import Field, Form
from kiosk.forms.submission import JSONValue, Submission

# Characters XML 1.0 cannot carry at all (control characters other than tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_SVG_PATH = re.compile(r"[^ML0-9., \-]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Attachment:
    """A file posted beside the XML, as its own part named by its file name."""

    name: str
    content_type: str
    data: bytes


def instance_xml(form: Form, submission: Submission,
                 version: str | None = None) -> tuple[bytes, list[Attachment]]:
    """The instance XML (UTF-8) and the files it names, for `submission` (as Session made it)
    of `form` (the version it was filled in on); `version`: the one the server gave that form
    version, when it renamed it (ODK Central's managed encryption)."""
    # As pyxform names it (the setting `name`, else `data`): the server's XForm has it so, and
    # ODK Collect sends it so.
    root = ET.Element(form.definition.settings.instance_root or "data",
                      {"id": form.form_id, "version": version or form.version})
    files: list[Attachment] = []
    _fill(root, form.top, submission.get("answers") or {},
          _Context(files, "", _visit_day(submission), None, _not_relevant(submission)))
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "instanceID").text = str(submission["instance_id"])
    if form.definition.settings.instance_name:
        ET.SubElement(meta, "instanceName").text = _clean(str(submission.get("instance_name") or ""))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), files


@dataclass(frozen=True)
class _Context:
    files: list[Attachment]
    where: str  # the repeat items' numbers, for the names of files
    day: date  # the visit's day, where the kiosk is: a time's UTC offset is that day's
    item: int | None  # the repeat item (from 0) the fields are in, or None
    hidden: frozenset[tuple[str, int | None]]  # not relevant when the visit ended: left out


def _not_relevant(submission: Submission) -> frozenset[tuple[str, int | None]]:
    """What the session found not relevant (submissions stored before it said: nothing)."""
    found = submission.get("not_relevant") or []
    return frozenset((str(entry[0]), entry[1] if isinstance(entry[1], int) else None)
                     for entry in found if isinstance(entry, list) and len(entry) == 2)


def _visit_day(submission: Submission) -> date:
    try:
        return datetime.fromisoformat(str(submission.get("started_at"))).astimezone().date()
    except ValueError:
        return datetime.now().astimezone().date()


def _fill(parent: ET.Element, fields: list[Field], answers: dict[str, JSONValue],
          context: _Context) -> None:
    for field in fields:
        if (field.name, context.item) in context.hidden:
            continue  # JavaRosa leaves what is not relevant out of the instance
        if field.type == "repeat":
            items = answers.get(field.name)
            for number, item in enumerate(items if isinstance(items, list) else [], start=1):
                element = ET.SubElement(parent, field.element)
                _fill(element, field.children, item if isinstance(item, dict) else {},
                      replace(context, where=f"{context.where}-{number}", item=number - 1))
        elif field.type == "group":
            _fill(ET.SubElement(parent, field.element), field.children, answers, context)
        else:
            element = ET.SubElement(parent, field.element)
            if answers.get(field.name) is not None:
                element.text = _text(field, answers[field.name], context)


def _offset(moment: datetime) -> str:
    """JavaRosa's: "+HH:MM" or "-HH:MM", and "Z" for UTC itself (what ODK's own engine wrote
    in tests/conformance, run on the same answers)."""
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return "Z"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{'-' if offset < timedelta(0) else '+'}{minutes // 60:02d}:{minutes % 60:02d}"


def _time_text(value: str, day: date) -> str | None:
    """A time as ODK Collect sends it: HH:MM:SS.sss and the offset the kiosk's clock had at
    that time on the visit's day (so a summer visit says +01:00 in London, a winter one Z)."""
    match = _TIME.fullmatch(value.strip())
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    try:
        moment = datetime.combine(day, time(hour, minute, second)).astimezone()
    except ValueError:
        return None
    return f"{hour:02d}:{minute:02d}:{second:02d}.000{_offset(moment)}"


def _text(field: Field, value: Any, context: _Context) -> str:
    kind = field.type
    if kind == "signature":
        return _signature_file(field.name + context.where, str(value), context.files)
    if kind == "acknowledge":
        return "OK" if value is True or str(value).strip().upper() == "OK" else ""
    if kind == "time" and isinstance(value, str) and (text := _time_text(value, context.day)):
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(_clean(str(item)) for item in value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return _clean(str(value))


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _signature_file(stem: str, path: str, files: list[Attachment]) -> str:
    """The drawn strokes ("M x,y L x,y ...") as an SVG image; its file name goes in the XML."""
    numbers = [float(n) for n in _NUMBER.findall(path)]
    if len(numbers) < 2:
        return ""
    width = int(max(numbers[0::2]) + 10)
    height = int(max(numbers[1::2]) + 10)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}"><path d="{_SVG_PATH.sub("", path)}" fill="none" '
           'stroke="#000" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>'
           '</svg>\n')
    name = f"{stem}.svg"
    taken = {attachment.name for attachment in files}
    number = 1
    while name in taken:  # a question name and a repeat item's can meet: never the same file
        number += 1
        name = f"{stem}_{number}.svg"
    files.append(Attachment(name, "image/svg+xml", svg.encode("ascii")))
    return name


def form_paths(form: Form) -> frozenset[str]:
    """Every path an instance of `form` can have, from its root ("/group/name"), as
    documents.element_paths reads them: what the server's XForm must have for each of them."""
    paths = {"/meta", "/meta/instanceID"}
    if form.definition.settings.instance_name:
        paths.add("/meta/instanceName")

    def walk(fields: list[Field], where: str) -> None:
        for field in fields:
            path = f"{where}/{field.element}"
            paths.add(path)
            if field.type in ("group", "repeat"):
                walk(field.children, path)

    walk(form.top, "")
    return frozenset(paths)
