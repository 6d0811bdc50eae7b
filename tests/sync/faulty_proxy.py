"""A loopback HTTP proxy that misbehaves the way rural links and overloaded gateways do.

Between the kiosk and the central service it drops connections mid-request, answers
500/502/503 itself, stalls past the client's timeout, and cuts the response after the server
has committed (the worst case for exactly-once). It can also refuse a request outright (a
connection reset) and, misconfigured, answer a fixed status such as 404 in the service's
place. Faults are drawn from a seeded generator and counted, so a test can prove each one
happened. It serves only 127.0.0.1 and stops itself.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass

FAULTS = ("drop_mid_request", "server_error", "stall", "cut_after_commit")
MORE_FAULTS = ("refuse", "wrong_address")  # off unless a test asks for them


@dataclass
class Rates:
    drop_mid_request: float = 0.04
    server_error: float = 0.08
    stall: float = 0.02
    cut_after_commit: float = 0.06
    refuse: float = 0.0
    wrong_address: float = 0.0


# A poor rural line (issue 19): about 45 % of requests pass; the rest are refused, answered
# 503, stalled or cut after the server committed. Use with every path faulty and 503 alone.
BAD_LINK = Rates(drop_mid_request=0.0, refuse=0.15, server_error=0.15, stall=0.10,
                 cut_after_commit=0.15)
ALL_PATHS = (b"/",)


def _read_head(conn: socket.socket, buffer: bytearray) -> bytes | None:
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    del buffer[:end]
    return head


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _read_body(conn: socket.socket, buffer: bytearray, length: int) -> bytes | None:
    while len(buffer) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    body = bytes(buffer[:length])
    del buffer[:length]
    return body


class FaultyProxy:
    def __init__(self, upstream_port: int, seed: int = 7, rates: Rates | None = None,
                 stall_seconds: float = 1.5, faulty_paths: tuple[bytes, ...] = (b"/v1/submissions",),
                 error_statuses: tuple[int, ...] = (500, 502, 503), wrong_status: int = 404,
                 first: tuple[str, ...] = ()):
        self.upstream = ("127.0.0.1", upstream_port)
        self.rates = rates or Rates()
        self.stall_seconds = stall_seconds
        self.faulty_paths = faulty_paths  # the requests whose fate the test is about
        self.error_statuses = error_statuses  # what server_error answers
        self.wrong_status = wrong_status  # what wrong_address answers (404, 405, 413...)
        self.counts: Counter[str] = Counter()
        # Played in order on the first requests, before any drawn: a test of few requests (a
        # kiosk sending in batches) still meets every fault it names.
        self._first = list(first)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()

    def __enter__(self) -> FaultyProxy:
        accept = threading.Thread(target=self._accept, name="faulty-proxy", daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        with self._lock:
            for conn in list(self._open):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _choose(self) -> str:
        with self._lock:
            if self._first:
                fault = self._first.pop(0)
                self.counts["passed" if fault == "pass" else fault] += 1
                return fault
            draw = self._rng.random()
            for fault in FAULTS + MORE_FAULTS:
                draw -= getattr(self.rates, fault)
                if draw < 0:
                    self.counts[fault] += 1
                    return fault
            self.counts["passed"] += 1
            return "pass"

    @property
    def requests(self) -> int:
        """How many requests to the faulty paths arrived, whatever became of them."""
        with self._lock:
            return sum(self.counts.values())

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            with self._lock:
                self._open.add(conn)
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        buffer, upstream_buffer = bytearray(), bytearray()
        try:
            client.settimeout(10)
            while not self._stopping.is_set():
                head = _read_head(client, buffer)
                if head is None:
                    return
                path = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b""
                fault = self._choose() if path.startswith(self.faulty_paths) else "pass"
                if fault == "drop_mid_request":
                    return  # the head arrived, the body never reaches the server
                if fault == "refuse":  # reset at once: the kiosk sees the connection refused
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                body = _read_body(client, buffer, _content_length(head))
                if body is None:
                    return
                if fault == "server_error":
                    with self._lock:
                        status = self._rng.choice(self.error_statuses)
                    message = b'{"error": "gateway trouble"}'
                    client.sendall(b"HTTP/1.1 %d Trouble\r\nContent-Type: application/json\r\n"
                                   b"Content-Length: %d\r\n\r\n%s" % (status, len(message), message))
                    continue
                if fault == "wrong_address":  # a proxy sending the path to the wrong place
                    page = b"<html><h1>Not here</h1></html>"
                    client.sendall(b"HTTP/1.1 %d Wrong\r\nContent-Type: text/html\r\n"
                                   b"Content-Length: %d\r\n\r\n%s"
                                   % (self.wrong_status, len(page), page))
                    continue
                if fault == "stall":
                    self._stopping.wait(self.stall_seconds)  # past the client's timeout
                    return
                if upstream is None:
                    upstream = socket.create_connection(self.upstream, timeout=10)
                upstream.sendall(head + body)
                response_head = _read_head(upstream, upstream_buffer)
                if response_head is None:
                    return
                response_body = _read_body(upstream, upstream_buffer,
                                           _content_length(response_head))
                if response_body is None:
                    return
                if fault == "cut_after_commit":
                    client.sendall(response_head[: len(response_head) // 2])
                    return  # the server has committed; the kiosk never learns it
                client.sendall(response_head + response_body)
        except OSError:
            return
        finally:
            with self._lock:
                self._open.discard(client)
            client.close()
            if upstream is not None:
                upstream.close()
