"""A recording pass-through in front of the real central service, for the progress tests.

`ProgressShim` is a real HTTP server (http.server, keep-alive, Nagle off) in front of a real
central service: every request goes through to it, so the answers (progress route included)
are the real central's; the shim only notes each `POST /v1/progress`'s references (`asked`)
and sets review states through the central's own store (`review`, as staff do in the console).
It can also play a central older than the route: `with_route=False` takes `progress` out of
`/health` and answers the route 404, `route_gone` answers it 404 while /health still says so
(a rollback behind a proxy). The fixture `progress_central` (tests/conftest.py) starts one.
"""

from __future__ import annotations

import json
import threading
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

    def review(self, reference: str, state: str, note: str | None = None) -> None:
        """What staff do in the console: move `reference`'s submission to `state`, with a
        note to the citizen, in the real central's database."""
        assert state in STATES
        from sync.central.web.models import Submission

        store = self.central.server.store
        instance_id = Submission.objects.using(store.alias).filter(
            reference=reference).values_list("instance_id", flat=True).last()
        assert instance_id is not None, f"{reference} has not reached the central"
        store.change_review_state(instance_id, state, "caseworker", note or "")

    def note_asked(self, body: bytes) -> None:
        try:
            references = json.loads(body)["references"]
        except (ValueError, KeyError, TypeError):
            return
        if isinstance(references, list):
            with self._lock:
                self.asked.append(list(references))


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

        def _pass(self, method: str, body: bytes | None = None) -> None:
            shim.requests.append(f"{method} {self.path}")
            if body is None and method == "POST":
                body = self._body()
            headers = {name: self.headers[name] for name in PASSED_HEADERS if self.headers[name]}
            answer = shim._upstream.request(method, shim.upstream + self.path, data=body,
                                            headers=headers, timeout=30, allow_redirects=False)
            content = answer.content
            if self.path == "/health" and not shim.with_route and answer.status_code == 200:
                older = {k: v for k, v in answer.json().items() if k != "progress"}
                content = json.dumps(older).encode()
            self._send(answer.status_code, content,
                       {name: answer.headers[name] for name in ANSWER_HEADERS
                        if name in answer.headers})

        def do_GET(self) -> None:
            self._pass("GET")

        def do_POST(self) -> None:
            if self.path == "/v1/progress":
                body = self._body()
                if not shim.with_route or shim.route_gone:
                    shim.requests.append(f"POST {self.path}")
                    self._json(404, {"error": "There is nothing at /v1/progress."})
                    return
                shim.note_asked(body)
                self._pass("POST", body)
                return
            self._pass("POST")

    return Handler
