"""Both engines' outcomes for one answer set, side by side, field by field.

An outcome is either the instance that would be sent, as its leaves by path (a repeat's
second item is `rep[2]/...`), or the question the engine stopped at. The kiosk's instance is
the XML its OpenRosa sender posts (sync/openrosa/instance.py), so what is compared is what
reaches the server from each.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.forms.form import Form
from kiosk.forms.trial import run_trial
from sync.openrosa.instance import instance_xml

from .javarosa import OdkResult

# A time's zone: "Z" and "+00:00" say the same (JavaRosa writes Z in UTC).
_ZULU = re.compile(r"(?<=\d\d:\d\d:\d\d\.\d\d\d)Z$")
# Random in each engine: compared for being there, never for the value.
RANDOM = {"meta/instanceID"}


@dataclass
class Outcome:
    fields: dict[str, str] | None = None  # the sent instance's leaves, by path
    root: dict[str, str] = field(default_factory=dict)  # the root's name, id and version
    stopped_at: list[str] = field(default_factory=list)  # names of the questions refused


def kiosk_outcome(form: Form, answers: dict[str, Any]) -> Outcome:
    # The real clock, as JavaRosa's: today() must be the same day in both engines.
    result = run_trial(form, answers)
    if result.errors:
        return Outcome(stopped_at=[error.split(":", 1)[0] for error in result.errors])
    assert result.submission is not None
    xml, _files = instance_xml(form, result.submission)
    return _outcome(xml.decode("utf-8"))


def odk_outcome(result: OdkResult) -> Outcome:
    if result.instance is None:
        return Outcome(stopped_at=[entry["name"] for entry in result.rejected])
    return _outcome(result.instance)


def _outcome(xml: str) -> Outcome:
    root = ET.fromstring(xml)
    leaves: dict[str, str] = {}
    _walk(root, "", leaves)
    for path in RANDOM & leaves.keys():
        leaves[path] = "(random)" if leaves[path] else ""
    return Outcome(leaves, {"element": root.tag, "id": root.get("id", ""),
                            "version": root.get("version", "")})


def _walk(element: ET.Element, path: str, leaves: dict[str, str]) -> None:
    seen: dict[str, int] = {}
    for child in element:
        name = child.tag.split("}")[-1]
        seen[name] = seen.get(name, 0) + 1
        step = name if seen[name] == 1 else f"{name}[{seen[name]}]"
        where = f"{path}/{step}" if path else step
        if len(child):
            _walk(child, where, leaves)
        else:
            leaves[where] = _ZULU.sub("+00:00", child.text or "")


def metadata_paths(xform: str) -> set[str]:
    """The fields ODK fills from the device and the clock (start, end, today, deviceid...):
    pyxform binds them with jr:preload. Paths as in Outcome.fields, without the root."""
    return {match[1].split("/", 2)[2] for match in _PRELOAD.finditer(xform)}


def decimal_paths(xform: str) -> set[str]:
    """The decimal questions: `0` and `0.0`, `1250` and `1250.0` are one number there."""
    return {match[1].split("/", 2)[2] for match in _DECIMAL.finditer(xform)}


_DECIMAL = re.compile(r'<bind nodeset="([^"]+)"[^>]*type="decimal"')
_PRELOAD = re.compile(r'<bind nodeset="([^"]+)"[^>]*jr:preload="(?:timestamp|date|property)"')


def differences(odk: Outcome, kiosk: Outcome, metadata: set[str] = frozenset(),
                decimals: set[str] = frozenset()) -> list[str]:
    """Every way the two outcomes differ, one line each; empty when they agree. The metadata
    fields are left out: docs/xlsform.md, "Differences from ODK", says why."""
    if odk.fields is None or kiosk.fields is None:
        if odk.fields is None and kiosk.fields is None:
            first = odk.stopped_at[0]
            return [] if first in kiosk.stopped_at else [
                f"ODK stops at {first}, the kiosk at {', '.join(kiosk.stopped_at)}"]
        if odk.fields is None:
            return [f"ODK refuses the answers at {odk.stopped_at[0]}; the kiosk sends them"]
        return [f"the kiosk refuses the answers at {', '.join(kiosk.stopped_at)}; ODK sends them"]
    found = [f"root {key}: ODK {odk.root[key]!r}, kiosk {kiosk.root[key]!r}"
             for key in ("element", "id", "version") if odk.root[key] != kiosk.root[key]]
    for path in sorted((odk.fields.keys() | kiosk.fields.keys()) - metadata):
        if path not in kiosk.fields:
            found.append(f"{path}: ODK sends {odk.fields[path]!r}, the kiosk has no such field")
        elif path not in odk.fields:
            found.append(f"{path}: the kiosk sends {kiosk.fields[path]!r}, ODK has no such field")
        elif odk.fields[path] != kiosk.fields[path] and not (
                _generic(path) in decimals and _same_number(odk.fields[path], kiosk.fields[path])):
            found.append(f"{path}: ODK {odk.fields[path]!r}, kiosk {kiosk.fields[path]!r}")
    return found


def _generic(path: str) -> str:
    """The path without its repeat items' numbers, as the XForm's binds name it."""
    return re.sub(r"\[\d+\]", "", path)


def _same_number(one: str, other: str) -> bool:
    try:
        return Decimal(one) == Decimal(other)
    except InvalidOperation:
        return False
