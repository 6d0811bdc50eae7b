"""A server on loopback that answers its health check and then misbehaves the way a broken
gateway or a hostile network does, for the deadline and size-cap tests and `make bench`.

Run it with tests/sync/loopback.py's LoopbackServer(misbehaving("hang")):

- "hang": takes the request and never answers (until the client goes away);
- "trickle": answers 200 with a Content-Length and then one byte every `every` seconds;
- "trickle_head": sends the status line and headers themselves one byte at a time;
- "fine": answers every request at once, 200 with a small JSON body (a control);
- "huge": answers `size` bytes (200 MB by default), written as it goes from one 64 KiB block, so
  the server never holds the answer; `declared=False` sends no Content-Length (the body ends
  when the connection closes), so only reading it shows how large it is.

`GET /health` is answered as the central service does, and `HEAD .../submission` as an
OpenRosa server does, so a kiosk's probe finds the service there and goes on to the request
that misbehaves. Each handler stops when the client goes away or when `stop` is set.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

BLOCK = b"x" * 65536
MB = 1_000_000


class Misbehaving(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "hang"
    every = 0.05  # seconds between trickled bytes
    length = 1000  # bytes announced by a trickle
    size = 200 * MB  # bytes of a huge answer
    declared = True  # a huge answer says its Content-Length
    stop = threading.Event()
    requests_seen: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/health"):
            self._answer(200, b'{"status": "ok"}', {"Content-Type": "application/json"})
            return
        self._misbehave()

    def do_HEAD(self) -> None:
        if self.path.rstrip("/").endswith("/submission"):
            self.send_response(204)
            self.send_header("X-OpenRosa-Version", "1.0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._misbehave()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._misbehave()

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _misbehave(self) -> None:
        self.requests_seen.append(f"{self.client_address[1]} {self.command} {self.path}")
        if self.mode == "fine":
            self._answer(200, b'{"forms": [], "consultations": []}',
                         {"Content-Type": "application/json"})
            return
        self.close_connection = True
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            getattr(self, f"_{self.mode}")()  # until the client gives up, as it should

    def _hang(self) -> None:
        """Wait, answering nothing, until the client closes its end."""
        while not self.stop.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.2)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return

    def _trickle(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % self.length)
        self._drip(b"x" * self.length)

    def _trickle_head(self) -> None:
        self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: yes\r\n" * 100 + b"Content-Length: 0\r\n\r\n")

    def _drip(self, data: bytes) -> None:
        for byte in data:
            if self.stop.wait(self.every):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def _huge(self) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        if self.declared:
            head += b"Content-Length: %d\r\n" % self.size
        self.wfile.write(head + b"Connection: close\r\n\r\n")
        sent = 0
        while sent < self.size and not self.stop.is_set():
            block = BLOCK[:self.size - sent]
            self.wfile.write(block)
            sent += len(block)


def misbehaving(mode: str, **options: object) -> type[Misbehaving]:
    """A handler class for LoopbackServer that misbehaves as `mode` says (options: every,
    length, size, declared); its `requests_seen` lists the requests it misbehaved on, each as
    "CLIENT_PORT METHOD PATH"."""
    return type(f"Misbehaving_{mode}", (Misbehaving,),
                {"mode": mode, "stop": threading.Event(), "requests_seen": [], **options})


def stop_misbehaving(handler: type[Misbehaving], grace: float = 0.1) -> None:
    """Let every handler still hanging or trickling go (before the server is shut down)."""
    handler.stop.set()
    time.sleep(grace)
