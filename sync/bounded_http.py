"""Every request the kiosk makes ends by its deadline, and never holds more than a capped answer.

requests' timeouts bound each wait on the socket, not the request: a server that trickles a
byte every few seconds keeps one going for as long as it likes, and `response.content` reads an
answer of any size into memory. Here, each request:

- has a total deadline, from the connection to the answer's last byte: a watchdog thread shuts
  the connection's socket down when it passes, which ends whatever wait is under way (the
  answer's headers or its body, trickled or not) at once;
- streams its answer and stops at `max_bytes`: an answer that says it is larger is not read
  at all, one that grows past the cap is cut off there (decoded bytes are counted, so a
  compressed answer cannot grow past it either).

Either way the connection is closed, never reused, and the caller gets DeadlinePassed or
AnswerTooLarge. A session is made bounded once (`bound_session`); `bounded_request` then makes
each request and returns the response with its body read (`response.content`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection

CHUNK = 65536
STILL_CONNECTING = 0.05  # a deadline that passes while connecting: look again this soon


class DeadlinePassed(Exception):
    """The whole answer did not arrive within the request's deadline."""


class AnswerTooLarge(Exception):
    """The answer is larger than the cap: not read (or not read further)."""


@dataclass(frozen=True)
class Limits:
    connect_seconds: float  # to open the connection
    read_seconds: float  # the longest wait for the next bytes
    deadline_seconds: float  # the whole request, connection to the answer's last byte
    max_bytes: int  # the largest answer read

    @property
    def timeout(self) -> tuple[float, float]:
        return self.connect_seconds, min(self.read_seconds, self.deadline_seconds)


class _Ticket:
    """One request's deadline, and the connection it is using, for the watchdog."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.connection: HTTPConnection | None = None
        self.expired = False
        self.finished = False
        self._lock = threading.Lock()

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.deadline

    def finish(self) -> None:
        with self._lock:
            self.finished = True

    def expire(self) -> bool:
        """Cut the request off; False when its connection has no socket yet (it is still
        connecting, within its own connect timeout): the watchdog looks again soon."""
        with self._lock:
            if self.finished:
                return True
            self.expired = True
            sock = self.connection.sock if self.connection is not None else None
            if sock is None:
                return False
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, also under TLS: the reading thread's wait ends.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            return True


class _Watchdog:
    """One thread for the whole process, asleep until the next deadline of a request under
    way (a handful at most: the tickets of requests that have ended are forgotten at once)."""

    def __init__(self) -> None:
        self._active: dict[_Ticket, float] = {}  # a request under way: when to cut it off
        self._next: float | None = None  # when the thread wakes next (None: when told)
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, ticket: _Ticket, at: float | None = None) -> None:
        at = ticket.deadline if at is None else at
        with self._changed:
            self._active[ticket] = at
            if self._thread is None or not self._thread.is_alive():  # a forked child has none
                self._thread = threading.Thread(target=self._run, name="request-deadlines",
                                                daemon=True)
                self._thread.start()
            if self._next is None or at < self._next:
                self._changed.notify()

    def forget(self, ticket: _Ticket) -> None:
        with self._changed:
            self._active.pop(ticket, None)

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                due = [ticket for ticket, at in self._active.items() if at <= now]
                for ticket in due:
                    del self._active[ticket]
                if not due:
                    self._next = min(self._active.values(), default=None)
                    self._changed.wait(None if self._next is None else self._next - now)
                    continue
            for ticket in due:
                if not ticket.expire():
                    self.watch(ticket, time.monotonic() + STILL_CONNECTING)


_WATCHDOG = _Watchdog()
_current: ContextVar[_Ticket | None] = ContextVar("request_ticket", default=None)


def _enrol(connection: HTTPConnection) -> None:
    """The connection this thread's request is using, so its deadline can cut it off."""
    ticket = _current.get()
    if ticket is not None:
        ticket.connection = connection


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        _enrol(self)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _enrol(self)  # a connection kept alive from an earlier request is not connected again
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        _enrol(self)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _enrol(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter, with connections the watchdog can cut off (a proxy's too)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def bound_session(http: requests.Session) -> requests.Session:
    """Give `http` connections that bounded_request can cut off at their deadline."""
    for prefix in ("http://", "https://"):
        http.mount(prefix, _WatchedAdapter())
    return http


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[_Ticket]:
    ticket = _Ticket(seconds)
    token = _current.set(ticket)
    _WATCHDOG.watch(ticket)
    try:
        yield ticket
    finally:
        ticket.finish()
        _WATCHDOG.forget(ticket)
        _current.reset(token)


def bounded_request(http: requests.Session, method: str, url: str, limits: Limits,
                    **kwargs: Any) -> requests.Response:
    """One request on a bound session, its answer read whole within `limits`: the response,
    with `.content` read; DeadlinePassed or AnswerTooLarge, else requests' own exceptions."""
    with _deadline(limits.deadline_seconds) as ticket:
        try:
            response = http.request(method, url, stream=True, timeout=limits.timeout, **kwargs)
        except requests.exceptions.RequestException:
            if ticket.passed():
                raise DeadlinePassed from None
            raise
        try:
            body = _read_capped(response, limits.max_bytes, ticket)
        except BaseException:
            response.close()  # mid-answer: the connection is closed, never reused
            raise
    # What requests keeps a read body in: every caller reads .content, .json() or .text.
    response._content = body
    return response


def _read_capped(response: requests.Response, max_bytes: int, ticket: _Ticket) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise AnswerTooLarge(f"the answer would be {int(declared):,} bytes; at most "
                             f"{max_bytes:,} are read")
    body = bytearray()
    try:
        for chunk in response.iter_content(CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise AnswerTooLarge(f"the answer went past {max_bytes:,} bytes; no more was read")
            if ticket.passed():
                raise DeadlinePassed
    except requests.exceptions.RequestException:
        if ticket.passed():
            raise DeadlinePassed from None
        raise
    if ticket.passed():  # an answer without a length ends when its connection does
        raise DeadlinePassed
    return bytes(body)
