"""One HTTP request sent as raw bytes, for what an HTTP library will not send (a Content-Length
of "²", odd bytes in a header, a method no library knows), and its answer read back."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class RawAnswer:
    status: int | None  # None: the server closed the connection without answering
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def exchange(url: str, request: bytes, timeout: float = 10) -> RawAnswer:
    """Send `request` (a whole HTTP/1.1 request, as bytes) to the server at `url`; its answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        answer = http.client.HTTPResponse(sock, method=request.split(b" ", 1)[0].decode("latin-1"))
        try:
            answer.begin()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return RawAnswer(None, {}, b"")
        headers = {name.lower(): value for name, value in answer.getheaders()}
        return RawAnswer(answer.status, headers, answer.read())


def raw_request(method: str, path: str, headers: dict[str, str] | list[tuple[str, str]],
                body: bytes = b"", *, length: str | None = None) -> bytes:
    """The bytes of a request; `length` is sent as Content-Length as it is (default: the body's)."""
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers)
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             *(f"{name}: {value}" for name, value in pairs)]
    if length is not None or body:
        lines.append(f"Content-Length: {length if length is not None else len(body)}")
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body
