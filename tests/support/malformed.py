"""Malformed requests a hostile client sends, each with the answers it may get: always a 4xx
(or, for a well-formed chunked body, the ordinary answer), never a 5xx, never a dropped
connection. Sent as raw bytes over TLS to the deployment (nginx in front of gunicorn), so
whichever of the two answers is what a client sees. tests/deploy/test_central_abuse.py runs
them against tests/support/central_stack.py's CENTRAL_APP."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.central_stack import DEVICE_ID, CentralStack

HEARTBEAT = f"/v1/devices/{DEVICE_ID}/heartbeat"
FOUR_XX = frozenset(range(400, 500))


@dataclass(frozen=True)
class Malformed:
    name: str
    request: Callable[[CentralStack], bytes]
    expected: frozenset[int] = FOUR_XX
    why: str = ""


def _heartbeat(**changes: object) -> dict[str, object]:
    return {"queue_depth": 0, "rejected": 0, "oldest_waiting": None, "last_sync_at": None,
            "version": "1.0", "free_disk_bytes": 1, **changes}


def _post(path: str, body: bytes, token: str = "device", extra: str = "",
          length: str | None = None) -> Callable[[CentralStack], bytes]:
    def build(stack: CentralStack) -> bytes:
        secret = {"device": stack.device_token, "admin": stack.admin_token}[token]
        size = str(len(body)) if length is None else length
        return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {secret}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {size}\r\n{extra}"
                f"Connection: close\r\n\r\n").encode() + body
    return build


def _raw(head: bytes, body: bytes = b"", token: str = "device") -> Callable[[CentralStack], bytes]:
    def build(stack: CentralStack) -> bytes:
        secret = {"device": stack.device_token, "admin": stack.admin_token}[token]
        return (head.replace(b"{token}", secret.encode()) + b"Host: 127.0.0.1\r\n"
                b"Connection: close\r\n\r\n" + body)
    return build


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


_CHUNKED_HEARTBEAT = _json(_heartbeat())

CASES = [
    Malformed("nested JSON 100,000 deep", _post(HEARTBEAT, b"[" * 100_000 + b"]" * 100_000)),
    Malformed("nested JSON 100,000 deep in a field",
              _post(HEARTBEAT, b'{"queue_depth": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")),
    Malformed("integer 2^63", _post(HEARTBEAT, _json(_heartbeat(queue_depth=2 ** 63)))),
    Malformed("integer 2^64", _post(HEARTBEAT, _json(_heartbeat(free_disk_bytes=2 ** 64)))),
    Malformed("integer of 400 digits", _post(HEARTBEAT, _json(_heartbeat(rejected=10 ** 400)))),
    Malformed("integer -2^63 - 1", _post(HEARTBEAT, _json(_heartbeat(queue_depth=-2 ** 63 - 1)))),
    Malformed("lone surrogate escaped", _post(HEARTBEAT, _json(_heartbeat(version="\ud800")))),
    Malformed("lone surrogate as raw bytes",
              _post(HEARTBEAT, _json(_heartbeat(version="x")).replace(b'"x"', b'"\xed\xa0\x80"'))),
    Malformed("bytes that are not UTF-8", _post(HEARTBEAT, b'{"version": "\xff\xfe"}')),
    Malformed("NUL in a string", _post(HEARTBEAT, _json(_heartbeat(version="1\u0000")))),
    Malformed("a list, not an object", _post(HEARTBEAT, b"[]")),
    Malformed("not JSON", _post(HEARTBEAT, b"queue_depth=1")),
    Malformed("empty body", _post(HEARTBEAT, b"")),
    Malformed("limit=² (encoded)", _raw(b"GET /v1/submissions?limit=%C2%B2 HTTP/1.1\r\n"
                                        b"Authorization: Bearer {token}\r\n", token="admin")),
    Malformed("limit=² (raw bytes)", _raw(b"GET /v1/submissions?limit=\xc2\xb2 HTTP/1.1\r\n"
                                          b"Authorization: Bearer {token}\r\n", token="admin")),
    Malformed("limit=-1", _raw(b"GET /v1/submissions?limit=-1 HTTP/1.1\r\n"
                               b"Authorization: Bearer {token}\r\n", token="admin")),
    Malformed("Content-Length: ²", _post(HEARTBEAT, b"{}", length="\u00b2"),
              frozenset({400}), "nginx refuses a length that is not digits"),
    Malformed("Content-Length: -1", _post(HEARTBEAT, b"{}", length="-1"), frozenset({400})),
    Malformed("Content-Length twice, different",
              _post(HEARTBEAT, b"{}", extra="Content-Length: 5\r\n"), frozenset({400})),
    Malformed("Content-Length over 5 MB", _post(HEARTBEAT, b"", length=str(6 * 1024 * 1024)),
              frozenset({413}), "client_max_body_size 5m, before any byte of it is read"),
    Malformed("TRACE", _raw(b"TRACE / HTTP/1.1\r\n"), frozenset({405}),
              "nginx answers TRACE 405 itself; it never reaches the application"),
    Malformed("an unknown method", _raw(b"FROB /health HTTP/1.1\r\n"), frozenset({405})),
    Malformed("a request line of 10 KB", _raw(b"GET /health?" + b"a" * 10_000 + b" HTTP/1.1\r\n"),
              frozenset({414})),
    Malformed("a header of 10 KB", _raw(b"GET /health HTTP/1.1\r\nX-Big: " + b"a" * 10_000
                                        + b"\r\n"), frozenset({400, 431})),
    Malformed("chunked, well formed",
              _raw(f"POST {HEARTBEAT} HTTP/1.1\r\nAuthorization: Bearer {{token}}\r\n"
                   f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n".encode(),
                   f"{len(_CHUNKED_HEARTBEAT):x}\r\n".encode() + _CHUNKED_HEARTBEAT
                   + b"\r\n0\r\n\r\n"),
              frozenset({200}), "nginx reads the chunks and passes one body with its length"),
    Malformed("chunked, a chunk size that is not hex",
              _raw(f"POST {HEARTBEAT} HTTP/1.1\r\nAuthorization: Bearer {{token}}\r\n"
                   f"Transfer-Encoding: chunked\r\n".encode(), b"zz\r\n{}\r\n0\r\n\r\n")),
    Malformed("chunked and Content-Length together",
              _raw(f"POST {HEARTBEAT} HTTP/1.1\r\nAuthorization: Bearer {{token}}\r\n"
                   f"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n".encode(),
                   b"2\r\n{}\r\n0\r\n\r\n"), frozenset({400}), "a request-smuggling shape"),
    Malformed("chunked, over 5 MB",
              _raw(f"POST {HEARTBEAT} HTTP/1.1\r\nAuthorization: Bearer {{token}}\r\n"
                   f"Transfer-Encoding: chunked\r\n".encode(),
                   b"".join(b"100000\r\n" + b" " * 0x100000 + b"\r\n" for _ in range(6))
                   + b"0\r\n\r\n"), frozenset({413})),
    Malformed("HTTP/2 preface on an HTTP/1.1 connection",
              lambda stack: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", FOUR_XX),
]
