"""The central service in this process: the Django application (web/) under Django's own
threaded WSGI server, one thread a connection. `kiosk central serve` runs the same application
under gunicorn with several worker processes (web/gunicorn_conf.py); tests and `kiosk sync`'s
demo start it here, on loopback, in a thread.

Keep-alive (HTTP/1.1) with Nagle off, or every small response waits ~40 ms for an ACK; a
socket timeout per connection so a stalled client cannot hold a thread forever. One log line
per request (rest.py), never with a body or a query string in it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .errors import CentralError, not_initialised
from .keyring import KEY_FILE
from .records import utc_now
from .web.databases import setup_django
from .web.service import Service, binding, stderr_log

setup_django()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402  (Django set up first)
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402

_JOIN_SECONDS = 5.0
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _printable(text: str, limit: int = 200) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


class _Handler(WSGIRequestHandler):  # type: ignore[misc]  # Django has no types
    disable_nagle_algorithm = True
    timeout = 30  # seconds a connection may sit idle or half-sent
    server: _Server

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ["RAW_URI"] = self.path  # as sent, still percent-encoded (gunicorn's name)
        return environ

    def handle_one_request(self) -> None:
        super().handle_one_request()
        headers = getattr(self, "headers", None)
        length = headers.get_all("Content-Length") if headers is not None else None
        if headers is not None and (headers.get("Transfer-Encoding") or (length and (
                len(length) > 1 or not length[0].strip().isdigit()))):
            self.close_connection = True  # what is left of its body is not a next request

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        # What the server refuses before the application sees it (a garbled request line,
        # headers too long): JSON like every other error, not an HTML page.
        self.close_connection = True
        self.server.service.log(f"{utc_now()} {self.client_address[0]} refused request: {code}")
        body = json.dumps({"error": f"{message or 'The request cannot be read'}."}).encode()
        with contextlib.suppress(OSError):
            self.send_response_only(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # rest.py logs one line per request, with nothing from the body


# What socketserver hands a TCP server per connection (a datagram server's is a tuple).
Connection = socket.socket | tuple[bytes, socket.socket]


class _Server(ThreadedWSGIServer):  # type: ignore[misc]
    """Tracks its connections, so stopping can end idle keep-alive ones and join every thread."""

    def __init__(self, address: tuple[str, int], service: Service):
        self.service = service
        self.stopping = threading.Event()
        self._active: dict[threading.Thread, socket.socket] = {}
        self._active_lock = threading.Lock()
        super().__init__(address, _Handler, ipv6=":" in address[0])
        django_app = WSGIHandler()

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            with binding(service):  # this server's requests are this service's
                return django_app(environ, start_response)  # type: ignore[no-any-return]
        self.set_app(app)

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
        self.service.log(f"{utc_now()} connection from {client_address[0]} failed: "
                         f"{type(error).__name__}: {_printable(str(error))}")


class CentralServer:
    """The central service on host:port (port 0: any free port; see .url), in this process."""

    def __init__(self, data_dir: Path | str, host: str = "127.0.0.1", port: int = 0,
                 log: Callable[[str], None] = stderr_log):
        self.data_dir = Path(data_dir)
        if not (self.data_dir / KEY_FILE).exists():
            raise not_initialised(self.data_dir)
        self.host, self.port, self.log = host, port, log
        self.service: Service | None = None
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stop_requested = threading.Event()

    @property
    def store(self) -> Any:
        return self.service.store if self.service else None

    @property
    def app(self) -> Any:
        return self.service.app if self.service else None

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
        self.service = Service.open(self.data_dir, self.log)
        try:
            self.service.catalogue.listing()  # log broken forms now, not at a kiosk's request
            self._httpd = _Server((self.host, self.port), self.service)
        except OSError as error:
            self.service.close()
            raise CentralError(f"The central service cannot listen on {self.host}:{self.port}: "
                               f"{error.strerror or error}.") from None
        except BaseException:
            self.service.close()
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
        assert self.service is not None  # start() opened it before serving
        self.service.close()

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
