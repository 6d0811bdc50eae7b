"""Checking request bodies; every refusal names the field, so a kiosk's log says what to fix."""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from typing import Any, Literal, NoReturn, overload

from .records import AuditReport, Incoming

_HASH = re.compile(r"[0-9a-f]{64}")
_MAX_TEXT = 200  # ids, references, versions, times: anything longer is not one of ours
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
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "The body is not JSON (UTF-8).") from None
    if not isinstance(value, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return value


@overload
def _text(body: JSONObject, name: str) -> str: ...
@overload
def _text(body: JSONObject, name: str, *, optional: Literal[True]) -> str | None: ...


def _text(body: JSONObject, name: str, *, optional: bool = False) -> str | None:
    value = body.get(name)
    if value is None and optional:
        return None
    if value is None:
        raise ApiError(400, f"{name} is missing.")
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise ApiError(400, f"{name} must be a non-empty string of at most {_MAX_TEXT} "
                            "characters.")
    return value


@overload
def _time(body: JSONObject, name: str) -> str: ...
@overload
def _time(body: JSONObject, name: str, *, optional: Literal[True]) -> str | None: ...


def _time(body: JSONObject, name: str, *, optional: bool = False) -> str | None:
    value = _text(body, name, optional=True) if optional else _text(body, name)
    if value is not None:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ApiError(400, f"{name} must be an ISO 8601 time.") from None
    return value


def _count(body: JSONObject, name: str) -> int:
    value = body.get(name)
    if value is None:
        raise ApiError(400, f"{name} is missing.")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ApiError(400, f"{name} must be a whole number, 0 or more.")
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


def heartbeat_fields(body: JSONObject) -> dict[str, object]:
    return {"queue_depth": _count(body, "queue_depth"), "rejected": _count(body, "rejected"),
            "oldest_waiting": _time(body, "oldest_waiting", optional=True),
            "last_sync_at": _time(body, "last_sync_at", optional=True),
            "version": _text(body, "version"),
            "free_disk_bytes": _count(body, "free_disk_bytes"),
            "interval_minutes": _interval(body)}


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
