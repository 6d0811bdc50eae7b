"""The central service over HTTP: the standard library's threading server, one thread a connection.

Keep-alive (HTTP/1.1) with Nagle off, or every small response waits ~40 ms for an ACK; a
socket timeout per connection so a stalled client cannot hold a thread forever; bodies over
5 MB refused with 413. One log line per request, never with a body or a query string in it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .api import CentralApp, Request, Response
from .catalogue import FormCatalogue
from .errors import CentralError, not_initialised
from .keyring import KEY_FILE
from .store import FORMS_DIR, CentralStore, utc_now

MAX_BODY = 5 * 1024 * 1024
_DRAIN_LIMIT = 4 * MAX_BODY  # a body up to this size is read and dropped, keeping the connection
_JOIN_SECONDS = 5.0


def stderr_log(line: str) -> None:
    # Looked up on each call: tests (and daemons) may swap sys.stderr.
    print(line, file=sys.stderr, flush=True)


def _printable(text: str, limit: int = 200) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 30  # seconds a connection may sit idle or half-sent
    server_version = "kiosk-central"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _serve(self) -> None:
        started = time.perf_counter()
        body = self._read_body()
        if isinstance(body, Response):
            response = body
        else:
            parts = urlsplit(self.path)
            request = Request(self.command, parts.path,
                              parse_qs(parts.query, keep_blank_values=True), self.headers, body)
            try:
                response = self.server.app.handle(request)
            except Exception:  # the client gets a 500, the log the cause to fix
                self.server.log(f"{utc_now()} error on {self.command} "
                                f"{_printable(urlsplit(self.path).path)}:\n"
                                f"{traceback.format_exc().rstrip()}")
                response = Response(500, {"error": "The service failed on this request; its "
                                                   "log says why."})
        # Logged before answering, so a client that has its answer finds the line written.
        self._log_request(response.status, started)
        self._send(response)

    def _log_request(self, status: int, started: float) -> None:
        self.server.log(f"{utc_now()} {self.client_address[0]} {self.command} "
                        f"{_printable(urlsplit(self.path).path)} {status} "
                        f"{(time.perf_counter() - started) * 1000:.1f}ms")

    def _read_body(self) -> bytes | Response:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # the chunks are left unread
            return Response(411, {"error": "Send the body with a Content-Length, not chunked."})
        lengths = self.headers.get_all("Content-Length") or ["0"]
        text = lengths[0]
        if len(lengths) > 1 or not text.strip().isdigit():  # two lengths: a smuggling attempt
            self.close_connection = True
            return Response(400, {"error": "Content-Length must be one whole number."})
        length = int(text)
        if length > MAX_BODY:
            too_big = Response(413, {"error": f"The body is larger than {MAX_BODY} bytes."})
            if length > _DRAIN_LIMIT:
                self.close_connection = True
                return too_big
            # Closing with unread data would reset the connection before the client reads
            # the 413: read the body and drop it.
            while length > 0 and (chunk := self.rfile.read(min(length, 65536))):
                length -= len(chunk)
            if length:
                self.close_connection = True
            return too_big
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away, or the server is stopping
            self.close_connection = True
            return Response(400, {"error": "The body ended before its Content-Length."})
        return body

    def handle_expect_100(self) -> bool:
        length = self.headers.get("Content-Length") or "0"
        if length.isdigit() and int(length) > MAX_BODY:
            self.close_connection = True
            self._log_request(413, time.perf_counter())
            self._send(Response(413, {"error": f"The body is larger than {MAX_BODY} bytes."}))
            return False
        return super().handle_expect_100()

    def _send(self, response: Response) -> None:
        payload = response.body
        if isinstance(payload, dict):
            payload = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        payload = payload or b""
        if self.server.stopping.is_set():
            self.close_connection = True
        self.send_response_only(response.status)
        self.send_header("Date", self.date_time_string())
        self.send_header("Server", self.server_version)
        headers = {"Cache-Control": "no-store", **response.headers}
        if payload:
            self.send_header("Content-Type", "application/json")
        headers.setdefault("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and response.status != 304:
            self.wfile.write(payload)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        # What http.server refuses before a route is found (a garbled request line, headers
        # too long): JSON like every other error, not its HTML page.
        self.close_connection = True
        self.server.log(f"{utc_now()} {self.client_address[0]} refused request: {code}")
        self._send(Response(code, {"error": f"{message or 'The request cannot be read'}."}))

    def log_message(self, format: str, *args: object) -> None:
        pass  # _serve logs one line per request, with nothing from the body


# What socketserver hands a TCP server per connection (a datagram server's is a tuple).
Connection = socket.socket | tuple[bytes, socket.socket]


class _Server(ThreadingHTTPServer):
    """Tracks its connections, so stopping can end idle keep-alive ones and join every thread."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: CentralApp, log: Callable[[str], None]):
        self.app, self.log = app, log
        self.stopping = threading.Event()
        self._active: dict[threading.Thread, socket.socket] = {}
        self._active_lock = threading.Lock()
        super().__init__(address, _Handler)

    # client_address: Any, as socketserver declares it ((host, port), 4 parts for IPv6)
    def process_request(self, request: Connection, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread,
                                  args=(request, client_address), daemon=True,
                                  name=f"central-{client_address[0]}:{client_address[1]}")
        with self._active_lock:
            if isinstance(request, socket.socket):  # TCP: always a socket
                self._active[thread] = request
        thread.start()

    def process_request_thread(self, request: Connection, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active.pop(threading.current_thread(), None)

    def end_connections(self) -> None:
        """Stop reading from every client: idle ones close, busy ones finish their answer."""
        self.stopping.set()
        with self._active_lock:
            active = dict(self._active)
        for sock in active.values():
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RD)
        for thread in active:
            thread.join(_JOIN_SECONDS)

    def handle_error(self, request: Connection, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return  # a client that went away or timed out: nothing to fix here
        self.log(f"{utc_now()} connection from {client_address[0]} failed: "
                 f"{type(error).__name__}: {_printable(str(error))}")


class CentralServer:
    """The reference central service on host:port (port 0: any free port; see .url)."""

    def __init__(self, data_dir: Path | str, host: str = "127.0.0.1", port: int = 0,
                 log: Callable[[str], None] = stderr_log):
        self.data_dir = Path(data_dir)
        if not (self.data_dir / KEY_FILE).exists():
            raise not_initialised(self.data_dir)
        self.host, self.port, self.log = host, port, log
        self.store: CentralStore | None = None
        self.app: CentralApp | None = None
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stop_requested = threading.Event()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise CentralError("The central service has not been started.")
        host, port = self._httpd.server_address[:2]
        assert isinstance(host, str)  # a TCP server's address: (host, port, ...)
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def start(self) -> CentralServer:
        """Serve in a background thread; returns self, so `CentralServer(d).start().url` works."""
        if self._httpd is not None:
            return self
        self.store = CentralStore(self.data_dir)
        try:
            catalogue = FormCatalogue(self.data_dir / FORMS_DIR, self.log)
            self.app = CentralApp(self.store, catalogue)
            catalogue.listing()  # log broken forms now, not at a kiosk's first request
            self._httpd = _Server((self.host, self.port), self.app, self.log)
        except OSError as error:
            self.store.close()
            raise CentralError(f"The central service cannot listen on {self.host}:{self.port}: "
                               f"{error.strerror or error}.") from None
        except BaseException:
            self.store.close()
            raise
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={
            "poll_interval": 0.05}, name="central-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end open connections, wait for their threads, close the database."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.end_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        assert self.store is not None  # start() opened it before serving
        self.store.close()

    def request_stop(self) -> None:
        """Make serve_forever return; safe from a signal handler."""
        self._stop_requested.set()

    def serve_forever(self) -> None:
        """Serve until request_stop() (the command line calls it on SIGTERM or SIGINT)."""
        self.start()
        try:
            self._stop_requested.wait()
        finally:
            self.stop()

    @property
    def undeclared_statuses(self) -> list[tuple[str, str, int]]:
        return list(self.app.undeclared) if self.app else []

    def __enter__(self) -> CentralServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
