"""Checking request bodies; every refusal names the field, so a kiosk's log says what to fix."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import datetime
from typing import Any, Literal, NoReturn, overload

from .records import AuditReport, Incoming

_HASH = re.compile(r"[0-9a-f]{64}")
_MAX_TEXT = 200  # ids, references, versions, times: anything longer is not one of ours
# Narrower columns (web/models.py): PostgreSQL refuses a longer value, where SQLite kept it.
_LONGEST = {"reference": 64, "version": 100}
_MAX_TIME = 40  # 2026-03-01T09:30:00.123456+00:00 is 32
# What a database column holds: a BIGINT (PostgreSQL's and SQLite's integers), never more.
MAX_COUNT = 2**63 - 1
# RFC 3339 (what openapi.yaml's date-time means): a date, a time and an offset. ISO 8601's other
# spellings (a date alone, no offset, 20260101T1000Z) would be echoed to staff as they came.
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", re.ASCII)
JSONObject = dict[str, Any]  # a request's body, as json.loads gives it


class ApiError(Exception):
    """An answer other than success: the status, one clear sentence, and any extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def json_object(body: bytes) -> JSONObject:
    try:
        text = body.decode("utf-8")
        value = json.loads(text, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "The body is not JSON (UTF-8).") from None
    except RecursionError:  # the parser's own limit, about 1,000 levels: none of ours is near
        raise ApiError(400, "The body is nested too deeply to be one of this service's.") \
            from None
    if "\\u" in text and not _utf8(value):
        # \ud800 escaped alone is JSON's syntax but no character: it cannot be stored or sent
        raise ApiError(400, "The body is not JSON (UTF-8): it has a lone surrogate (\\uD800 to "
                            "\\uDFFF without its pair).")
    if not isinstance(value, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return value


def _utf8(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def plain_text(value: str) -> bool:
    """Text a person could type: no control characters (NUL, newlines, escapes, C1) and no
    lone surrogates, which PostgreSQL refuses to store and logs and screens show garbled."""
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


@overload
def _text(body: JSONObject, name: str, longest: int | None = None) -> str: ...
@overload
def _text(body: JSONObject, name: str, longest: int | None = None, *,
          optional: Literal[True]) -> str | None: ...


def _text(body: JSONObject, name: str, longest: int | None = None, *,
          optional: bool = False) -> str | None:
    value = body.get(name)
    if value is None and optional:
        return None
    if value is None:
        raise ApiError(400, f"{name} is missing.")
    longest = longest or _LONGEST.get(name, _MAX_TEXT)
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise ApiError(400, f"{name} must be a non-empty string of at most {longest} "
                            "characters.")
    if not plain_text(value):
        raise ApiError(400, f"{name} must not contain control characters (such as NUL or a "
                            "line break).")
    return value


@overload
def _time(body: JSONObject, name: str) -> str: ...
@overload
def _time(body: JSONObject, name: str, *, optional: Literal[True]) -> str | None: ...


def _time(body: JSONObject, name: str, *, optional: bool = False) -> str | None:
    value = _text(body, name, _MAX_TIME, optional=True) if optional \
        else _text(body, name, _MAX_TIME)
    if value is not None:
        try:
            if not _DATE_TIME.fullmatch(value):
                raise ValueError(value)
            datetime.fromisoformat(value)
        except ValueError:
            raise ApiError(400, f"{name} must be a date and time with its offset (RFC 3339), "
                                "e.g. 2026-03-01T09:30:00+00:00.") from None
    return value


def _count(body: JSONObject, name: str) -> int:
    value = body.get(name)
    if value is None:
        raise ApiError(400, f"{name} is missing.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 5.0 is JSON Schema's integer 5 too (openapi.yaml says integer)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ApiError(400, f"{name} must be a whole number from 0 to {MAX_COUNT}.")
    return value


def submission_fields(body: JSONObject,
                      idempotency_key: str | None) -> tuple[Incoming, JSONObject]:
    """One submission posted on its own: its fields, and the Idempotency-Key that must name it."""
    incoming, envelope = incoming_fields(body)
    if not idempotency_key:
        raise ApiError(400, "The Idempotency-Key header is missing: send the instance_id in it.")
    if idempotency_key != incoming.instance_id:
        raise ApiError(400, "The Idempotency-Key header must equal instance_id.")
    return incoming, envelope


def batch_items(body: JSONObject, most: int) -> list[Any]:
    """A batch's submissions, as sent: 1 to `most` of them, each checked on its own later."""
    items = body.get("submissions")
    if not isinstance(items, list) or not items:
        raise ApiError(400, "submissions must be a list of 1 or more submissions.")
    if len(items) > most:
        raise ApiError(400, f"A batch carries at most {most} submissions; this one has "
                            f"{len(items)}.")
    return items


def incoming_fields(body: JSONObject) -> tuple[Incoming, JSONObject]:
    """A submission's outer fields and its envelope (alone or as an item of a batch)."""
    incoming = Incoming(
        instance_id=_text(body, "instance_id"), reference=_text(body, "reference"),
        device_id=_text(body, "device_id"), form_id=_text(body, "form_id"),
        form_version=_text(body, "form_version"), created_at=_time(body, "created_at"))
    envelope = body.get("envelope")
    if envelope is None:
        raise ApiError(400, "envelope is missing.")
    if not isinstance(envelope, dict):
        raise ApiError(400, "envelope must be a JSON object (the sealed submission).")
    return incoming, envelope


def audit_fields(body: JSONObject) -> AuditReport | None:
    """A heartbeat's `audit` object: the kiosk's newest audit entry, and the entry central
    anchored last as the kiosk's log holds it now. None from kiosks older than anchoring."""
    audit = body.get("audit")
    if audit is None:
        return None
    if not isinstance(audit, dict):
        raise ApiError(400, "audit must be a JSON object.")
    head_seq, anchor_seq = _count(audit, "head_seq"), audit.get("anchor_seq")
    if anchor_seq is not None:
        anchor_seq = _count(audit, "anchor_seq")
    hashes = {name: audit.get(name) for name in ("head_hash", "anchor_hash")}
    for name, value in hashes.items():
        if value is not None and not (isinstance(value, str) and _HASH.fullmatch(value)):
            raise ApiError(400, f"audit.{name} must be 64 hexadecimal characters or null.")
    return AuditReport(head_seq, hashes["head_hash"], anchor_seq, hashes["anchor_hash"])


def query_text(query: dict[str, str], name: str) -> str | None:
    """A query parameter's value (None when absent or empty), plain text of at most 200
    characters: nothing else can name a form or a receipt."""
    value = query.get(name) or None
    if value is not None and (len(value) > _MAX_TEXT or not plain_text(value)):
        raise ApiError(400, f"{name} must be at most {_MAX_TEXT} characters of UTF-8 text, "
                            "without control characters.")
    return value


def heartbeat_fields(body: JSONObject) -> dict[str, object]:
    """The heartbeat's fields to keep; update_state only when the kiosk sent one (the last
    one sent is kept until another comes)."""
    fields: dict[str, object] = {
        "queue_depth": _count(body, "queue_depth"), "rejected": _count(body, "rejected"),
        "oldest_waiting": _time(body, "oldest_waiting", optional=True),
        "last_sync_at": _time(body, "last_sync_at", optional=True),
        "version": _text(body, "version"),
        "free_disk_bytes": _count(body, "free_disk_bytes"),
        "interval_minutes": _interval(body)}
    update_state = update_state_fields(body)
    if update_state is not None:
        fields["update_state"] = update_state
    return fields


UPDATE_STATES = ("downloading", "ready", "installing", "installed", "rejected", "rolled_back")
MAX_UPDATE_MESSAGE = 500
_UPDATE_FIELDS = {"state", "version", "message", "at"}
_LINE_BREAKS_AND_TABS = str.maketrans("", "", "\r\n\t")
_PACKAGE_VERSION = re.compile(r"[0-9][A-Za-z0-9.+~-]{0,63}")  # signing.py's, matched whole


def update_state_fields(body: JSONObject) -> dict[str, str] | None:
    """A heartbeat's optional update_state: where the kiosk is with an update (as openapi.yaml
    says, nothing more: each field checked, any other refused). None when absent or null."""
    given = body.get("update_state")
    if given is None:
        return None
    if not isinstance(given, dict):
        raise ApiError(400, "update_state must be a JSON object.")
    unknown = sorted(set(given) - _UPDATE_FIELDS)
    if unknown:
        raise ApiError(400, f"update_state has a field this service does not know: "
                            f"{_printable_name(unknown[0])}.")
    state = given.get("state")
    if state not in UPDATE_STATES:
        raise ApiError(400, f"update_state.state must be one of {', '.join(UPDATE_STATES)}.")
    version = given.get("version")
    if not isinstance(version, str) or not _PACKAGE_VERSION.fullmatch(version):
        raise ApiError(400, "update_state.version must be a package version (e.g. 1.4.0).")
    kept = {"state": state, "version": version}
    message = given.get("message")
    if message is not None:
        if not isinstance(message, str) or len(message) > MAX_UPDATE_MESSAGE:
            raise ApiError(400, "update_state.message must be a string of at most "
                                f"{MAX_UPDATE_MESSAGE} characters.")
        if not plain_text(message.translate(_LINE_BREAKS_AND_TABS)):
            raise ApiError(400, "update_state.message must not contain control characters "
                                "other than line breaks and tabs.")
        kept["message"] = message
    try:
        kept["at"] = _time(given, "at")
    except ApiError as error:
        raise ApiError(400, f"update_state.{error}") from None
    return kept


def _printable_name(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name[:40])


MAX_INTERVAL_MINUTES = 1440  # a day, as the kiosk's own config allows


def _interval(body: JSONObject) -> int | None:
    """A heartbeat's interval in whole minutes, rounded up (a kiosk beating every 30 s is
    silent after 2 minutes, not after none); None from kiosks that do not say."""
    value = body.get("interval_minutes")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not 0 < value <= MAX_INTERVAL_MINUTES:
        raise ApiError(400, "interval_minutes must be a number of minutes, more than 0 and "
                            f"at most {MAX_INTERVAL_MINUTES}.")
    return math.ceil(value)


def progress_references(body: JSONObject, most: int) -> list[str]:
    """POST /v1/progress's references: 1 to `most` strings (each a reference as printed, or
    as typed: one that is not a reference is simply not found)."""
    references = body.get("references")
    if not isinstance(references, list) or not 1 <= len(references) <= most:
        raise ApiError(400, f"references must be a list of 1 to {most} reference numbers.")
    for place, reference in enumerate(references):
        if not isinstance(reference, str) or len(reference) > _MAX_TEXT:
            raise ApiError(400, f"references[{place}] must be a string of at most "
                                f"{_MAX_TEXT} characters.")
    return references
