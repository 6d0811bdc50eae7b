"""The REST contract (openapi.yaml) over Django: each request handed to api.CentralApp as it
is, and its Response sent back as it is, so kiosks see the same answers as before.

What the contract says about bodies is checked here before any is read: a chunked one is 411,
a Content-Length that is not one whole number 400, one over 5 MB 413. The body itself is read
only when a route asks for it, after the token (api.Request.body).
"""

from __future__ import annotations

import json
import time
import traceback
from urllib.parse import parse_qs, quote

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from ..api import FileBody, Request, Response
from ..store import utc_now
from ..validation import ApiError
from .service import Service

MAX_BODY = 5 * 1024 * 1024


def _printable(text: str, limit: int = 200) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


@csrf_exempt
def contract(request: HttpRequest) -> HttpResponseBase:
    service: Service = request.central  # the middleware's
    started = time.perf_counter()
    path = _raw_path(request)
    refused = _refused_body(request)
    if refused is not None:
        response = refused
    else:
        try:
            response = service.app.handle(Request(
                request.method or "GET", path,
                # bytes that are not UTF-8 kept as lone surrogates, so the route refuses them
                parse_qs(request.META.get("QUERY_STRING", ""), keep_blank_values=True,
                         errors="surrogateescape"),
                request.headers, lambda: _body(request)))
        except Exception:  # the client gets a 500, the log the cause to fix
            service.log(f"{utc_now()} error on {request.method} {_printable(path)}:\n"
                        f"{traceback.format_exc().rstrip()}")
            response = Response(500, {"error": "The service failed on this request; its log "
                                               "says why."})
    # One line a request, never with a body or a query string in it (a status page's has a
    # reference); logged before answering, so a client that has its answer finds it written.
    service.log(f"{utc_now()} {request.META.get('REMOTE_ADDR', '-')} {request.method} "
                f"{_printable(path)} {response.status} "
                f"{(time.perf_counter() - started) * 1000:.1f}ms")
    return _http(request, response)


def _raw_path(request: HttpRequest) -> str:
    """The path as sent, still percent-encoded: routes are matched before decoding, so an
    encoded "/" in a device id cannot change the route."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if isinstance(raw, str) and raw.startswith("/"):
        return raw.partition("?")[0]
    return quote(request.path_info, safe="/%:@!$&'()*+,;=-._~")


def _refused_body(request: HttpRequest) -> Response | None:
    if request.META.get("HTTP_TRANSFER_ENCODING"):
        return Response(411, {"error": "Send the body with a Content-Length, not chunked."})
    text = request.META.get("CONTENT_LENGTH") or "0"
    if not (text.isascii() and text.strip().isdigit()):
        return Response(400, {"error": "Content-Length must be one whole number."})
    if int(text) > MAX_BODY:
        return Response(413, {"error": f"The body is larger than {MAX_BODY} bytes."})
    return None


def _body(request: HttpRequest) -> bytes:
    expected = int(request.META.get("CONTENT_LENGTH") or "0")
    body: bytes = request.body
    if len(body) < expected:  # the client went away, or the server is stopping
        raise ApiError(400, "The body ended before its Content-Length.")
    return body


def _http(request: HttpRequest, response: Response) -> HttpResponseBase:
    payload = response.body
    if isinstance(payload, FileBody):
        try:
            return _streamed(response, payload)
        except OSError:  # deleted since the route found it (`delete-update` at that moment)
            return _http(request, Response(404, {"error": "The package is no longer here."}))
    if isinstance(payload, dict):
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        try:
            payload = text.encode()
        except UnicodeEncodeError:  # a lone surrogate echoed from a request: sent escaped
            payload = json.dumps(payload, separators=(",", ":")).encode()
    payload = payload or b""
    headers = {"Cache-Control": "no-store", **response.headers}
    answer = HttpResponse(b"" if request.method == "HEAD" or response.status == 304
                          else payload, status=response.status)
    if payload:
        answer["Content-Type"] = "application/json"
    else:
        del answer["Content-Type"]
    answer["Content-Length"] = str(len(payload))
    for name, value in headers.items():
        answer[name] = value
    return answer


_PIECE = 64 * 1024


class _Pieces:
    """A file's bytes from `start`, `length` of them, 64 KB at a time: a worker's memory never
    grows with the file (a package is 40 MB and more). Django closes it when the answer is
    sent or the client goes away, and the file with it."""

    def __init__(self, part: FileBody):
        self._file = part.path.open("rb")
        self._file.seek(part.start)
        self._left = part.length

    def __iter__(self) -> _Pieces:
        return self

    def __next__(self) -> bytes:
        if self._left <= 0:
            raise StopIteration
        piece = self._file.read(min(_PIECE, self._left))
        if not piece:  # the file became shorter under us: end here, short of Content-Length
            raise StopIteration
        self._left -= len(piece)
        return piece

    def close(self) -> None:
        self._file.close()


def _streamed(response: Response, part: FileBody) -> HttpResponseBase:
    answer = StreamingHttpResponse(_Pieces(part), status=response.status)
    answer["Content-Length"] = str(part.length)
    for name, value in response.headers.items():
        answer[name] = value
    return answer
