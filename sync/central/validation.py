"""Checking request bodies; every refusal names the field, so a kiosk's log says what to fix."""

from __future__ import annotations

import json
from datetime import datetime

from .store import Incoming

_MAX_TEXT = 200  # ids, references, versions, times: anything longer is not one of ours


class ApiError(Exception):
    """An answer other than success: the status, one clear sentence, and any extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def json_object(body: bytes) -> dict:
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "The body is not JSON (UTF-8).") from None
    if not isinstance(value, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return value


def _text(body: dict, name: str, *, optional: bool = False) -> str | None:
    value = body.get(name)
    if value is None and optional:
        return None
    if value is None:
        raise ApiError(400, f"{name} is missing.")
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise ApiError(400, f"{name} must be a non-empty string of at most {_MAX_TEXT} "
                            "characters.")
    return value


def _time(body: dict, name: str, *, optional: bool = False) -> str | None:
    value = _text(body, name, optional=optional)
    if value is not None:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ApiError(400, f"{name} must be an ISO 8601 time.") from None
    return value


def _count(body: dict, name: str) -> int:
    value = body.get(name)
    if value is None:
        raise ApiError(400, f"{name} is missing.")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ApiError(400, f"{name} must be a whole number, 0 or more.")
    return value


def submission_fields(body: dict, idempotency_key: str | None) -> tuple[Incoming, dict]:
    incoming = Incoming(
        instance_id=_text(body, "instance_id"), reference=_text(body, "reference"),
        device_id=_text(body, "device_id"), form_id=_text(body, "form_id"),
        form_version=_text(body, "form_version"), created_at=_time(body, "created_at"))
    envelope = body.get("envelope")
    if envelope is None:
        raise ApiError(400, "envelope is missing.")
    if not isinstance(envelope, dict):
        raise ApiError(400, "envelope must be a JSON object (the sealed submission).")
    if not idempotency_key:
        raise ApiError(400, "The Idempotency-Key header is missing: send the instance_id in it.")
    if idempotency_key != incoming.instance_id:
        raise ApiError(400, "The Idempotency-Key header must equal instance_id.")
    return incoming, envelope


def heartbeat_fields(body: dict) -> dict:
    return {"queue_depth": _count(body, "queue_depth"), "rejected": _count(body, "rejected"),
            "oldest_waiting": _time(body, "oldest_waiting", optional=True),
            "last_sync_at": _time(body, "last_sync_at", optional=True),
            "version": _text(body, "version"),
            "free_disk_bytes": _count(body, "free_disk_bytes")}
