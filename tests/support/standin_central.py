"""A stand-in for the central's WSGI application (`sync.central.web.wsgi:application`) until
the Django one lands, so the deployment (nginx in front of gunicorn) can be measured now. It
keeps the contract's shape where abuse meets it: the token is checked before any body is
read, a body over 5 MB is refused unread, bad JSON and out-of-range numbers are 400.
tests/support/central_stack.py names which application the tests run (CENTRAL_APP)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

MAX_BODY = 5 * 1024 * 1024
_INT64 = 2 ** 63
Respond = Callable[[str, list[tuple[str, str]]], object]


def _answer(respond: Respond, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    respond(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _token(environ: dict[str, Any]) -> str:
    header = environ.get("HTTP_AUTHORIZATION", "")
    return header[len("Bearer "):] if header.startswith("Bearer ") else ""


def _in_range(value: object) -> bool:
    """No integer outside 64 bits, no string a database could not store (a lone surrogate)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, list):
        return all(_in_range(item) for item in value)
    if isinstance(value, dict):
        return all(_in_range(key) and _in_range(item) for key, item in value.items())
    return True


def _json_body(environ: dict[str, Any]) -> tuple[str, object]:
    length_text = environ.get("CONTENT_LENGTH") or ""
    if not length_text.isascii() or not length_text.isdigit():
        return "411 Length Required", None
    if int(length_text) > MAX_BODY:
        return "413 Content Too Large", None
    try:
        body = json.loads(environ["wsgi.input"].read(int(length_text)))
    except (ValueError, RecursionError):
        return "400 Bad Request", None
    if not isinstance(body, dict) or not _in_range(body):
        return "400 Bad Request", None
    return "", body


def application(environ: dict[str, Any], respond: Respond) -> Iterable[bytes]:
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    if path == "/health" and method in ("GET", "HEAD"):
        return _answer(respond, "200 OK", {"status": "ok"})
    if path == "/v1/devices" and method == "GET":
        if _token(environ) != os.environ["STANDIN_ADMIN_TOKEN"]:
            return _answer(respond, "401 Unauthorized", {"error": "A valid token is needed."})
        query = dict(part.partition("=")[::2] for part in
                     environ.get("QUERY_STRING", "").split("&") if part)
        limit = query.get("limit", "100")
        if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= 1000):
            return _answer(respond, "400 Bad Request", {"error": "limit must be 1 to 1000."})
        return _answer(respond, "200 OK", {"devices": []})
    if method == "POST" and (path.startswith("/v1/devices/") or path.startswith("/v1/submissions")):
        # The token first: a body from someone without one is never read.
        if _token(environ) != os.environ["STANDIN_DEVICE_TOKEN"]:
            return _answer(respond, "401 Unauthorized", {"error": "A valid token is needed."})
        problem, _ = _json_body(environ)
        if problem:
            return _answer(respond, problem, {"error": "The body is not what the contract says."})
        return _answer(respond, "201 Created" if "submissions" in path else "200 OK",
                       {"server_time": "2026-01-01T00:00:00+00:00"})
    if method not in ("GET", "HEAD", "POST"):
        return _answer(respond, "405 Method Not Allowed", {"error": "Not allowed."})
    return _answer(respond, "404 Not Found", {"error": "No such route."})
