"""The central service's progress route, on loopback, until the real central has it.

`ProgressShim` is a real HTTP server (http.server, keep-alive, Nagle off) in front of a real
central service: it answers `POST /v1/progress` from a dict of review states (`review`), adds
`"progress": true` to the central's `/health`, and passes every other request through, so the
kiosk's submissions, receipts and keys are the real central's. The fixture `progress_central`
(tests/conftest.py) starts one; once the real central answers the route, that fixture yields
the real one instead and nothing else changes (`review` then sets the state there).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

STATES = ("received", "in_review", "needs_information", "approved", "rejected")
PASSED_HEADERS = ("Authorization", "Content-Type", "If-None-Match", "Idempotency-Key")
ANSWER_HEADERS = ("Content-Type", "ETag", "Retry-After")


class ProgressShim:
    def __init__(self, upstream: str, device_token: str, *, with_route: bool = True):
        self.upstream = upstream.rstrip("/")
        self.device_token = device_token
        self.with_route = with_route  # False: an older central, without the route
        self.route_gone = False  # True: /health still says so, the route answers 404
        self.requests: list[str] = []  # "METHOD /path" of every request, in order
        self.states: dict[str, dict[str, Any]] = {}
        self.asked: list[list[str]] = []  # the references of each POST /v1/progress
        self._lock = threading.Lock()
        self._upstream = requests.Session()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread: threading.Thread | None = None
        self.central: Any = None  # the central's handle behind it (the fixture sets it)

    def start(self) -> ProgressShim:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering (the link goes down); safe to call twice."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread = None
            self._upstream.close()

    def review(self, reference: str, state: str, note: str | None = None,
               changed_at: datetime | None = None) -> None:
        """What staff would do in the console: move `reference` to `state`, with a note."""
        assert state in STATES
        moment = changed_at or datetime.now(UTC)
        with self._lock:
            self.states[reference] = {"reference": reference, "state": state,
                                      "changed_at": moment.isoformat(), "note": note}

    # -- what the server answers --------------------------------------------------------------
    def answer_progress(self, authorization: str | None, body: bytes) -> tuple[int, dict]:
        if authorization != f"Bearer {self.device_token}":
            return 401, {"error": "a device token is required"}
        try:
            references = json.loads(body)["references"]
            if not isinstance(references, list) or not 1 <= len(references) <= 200 \
                    or not all(isinstance(r, str) for r in references):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "references: a list of 1 to 200 references"}
        with self._lock:
            self.asked.append(list(references))
            found = [self.states[r] for r in references if r in self.states]
        return 200, {"progress": found}


def _handler(shim: ProgressShim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a kiosk's session uses it
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, answer: dict) -> None:
            self._send(status, json.dumps(answer).encode(), {"Content-Type": "application/json"})

        def _pass(self, method: str) -> None:
            shim.requests.append(f"{method} {self.path}")
            body = self._body() if method == "POST" else None
            headers = {name: self.headers[name] for name in PASSED_HEADERS if self.headers[name]}
            answer = shim._upstream.request(method, shim.upstream + self.path, data=body,
                                            headers=headers, timeout=30, allow_redirects=False)
            content = answer.content
            if self.path == "/health" and shim.with_route and answer.status_code == 200:
                content = json.dumps({**answer.json(), "progress": True}).encode()
            self._send(answer.status_code, content,
                       {name: answer.headers[name] for name in ANSWER_HEADERS
                        if name in answer.headers})

        def do_GET(self) -> None:
            self._pass("GET")

        def do_POST(self) -> None:
            if self.path == "/v1/progress" and shim.with_route and not shim.route_gone:
                shim.requests.append(f"POST {self.path}")
                self._json(*shim.answer_progress(self.headers.get("Authorization"), self._body()))
                return
            self._pass("POST")

    return Handler
