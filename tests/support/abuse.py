"""Hostile and legitimate clients for the central's deployment (tests/support/central_stack.py):
slow clients that trickle headers or bodies, many kiosks at once, big bodies with no token, and
one-off raw requests. Shared by tests/deploy/test_central_abuse.py and tests/bench/abuse_bench.py."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import multiprocessing
import multiprocessing.queues
import os
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.central_stack import DEVICE_ID, CentralStack, raise_descriptor_limit

MAX_BODY = 5 * 1024 * 1024


def heartbeat_body() -> bytes:
    return json.dumps({"queue_depth": 0, "rejected": 0, "oldest_waiting": None,
                       "last_sync_at": None, "version": "1.0", "free_disk_bytes": 1}).encode()


def heartbeat_request(token: str, host: str = "127.0.0.1") -> bytes:
    body = heartbeat_body()
    return (f"POST /v1/devices/{DEVICE_ID}/heartbeat HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def status_of(answer: bytes) -> int:
    """The status code of an HTTP answer's first line (0 when there was no answer)."""
    parts = answer.split(b"\r\n", 1)[0].split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0


def raw_exchange(stack: CentralStack, request: bytes, timeout: float = 30) -> int:
    """Send bytes as they are over TLS, and return the answer's status (0: none came)."""
    with stack.connect(timeout) as connection:
        connection.sendall(request)
        answer = b""
        try:
            while b"\r\n" not in answer:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except (ConnectionError, ssl.SSLError):
            pass
    return status_of(answer)


def memory_kb(pid: int, field: str = "VmHWM") -> int:
    """A process's peak resident memory (VmHWM) or its present one (VmRSS), in KB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


# A legitimate kiosk, in a thread of its own, while the hostile clients run in an event loop.

@dataclass
class Legitimate:
    """A kiosk sending a heartbeat on a fresh TLS connection, one after another."""
    stack: CentralStack
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def one(self) -> None:
        start = time.perf_counter()
        try:
            connection = http.client.HTTPSConnection("127.0.0.1", self.stack.https_port,
                                                     context=self.stack.tls, timeout=30)
            connection.request("POST", f"/v1/devices/{DEVICE_ID}/heartbeat", heartbeat_body(),
                               {"Authorization": f"Bearer {self.stack.device_token}",
                                "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            connection.close()
        except OSError as error:
            self.failures.append(f"{type(error).__name__}: {error}")
            return
        if response.status != 200:
            self.failures.append(f"status {response.status}")
            return
        self.latencies_ms.append((time.perf_counter() - start) * 1000)

    def start(self, pause: float = 0.1) -> None:
        def run() -> None:
            while not self._stop.is_set():
                self.one()
                self._stop.wait(pause)
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=60)


# Slow clients: each holds a connection and trickles; when the server closes it, it opens
# another, so the pressure stays at `count` for as long as the attack lasts. They run in
# processes of their own (one event loop cannot keep 5,000 TLS connections and their
# reconnections going on one core), each for a fixed time.

@dataclass
class SlowAttack:
    https_port: int
    certificate: str
    device_token: str
    count: int
    header_interval: float = 10.0
    body_interval: float = 5.0
    open_now: int = 0
    opened: int = 0
    closed_by_server: int = 0
    refused: int = 0
    samples: list[tuple[float, int]] = field(default_factory=list)  # (time.time(), open)

    async def _connect(self, tls: ssl.SSLContext) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.https_port, ssl=tls,
                                             server_hostname="127.0.0.1", limit=4096)

    async def _trickle(self, number: int, tls: ssl.SSLContext, stop: asyncio.Event) -> None:
        by_headers = number % 2 == 0
        while not stop.is_set():
            try:
                reader, writer = await self._connect(tls)
            except (OSError, ssl.SSLError, TimeoutError):
                self.refused += 1
                await asyncio.sleep(1)
                continue
            self.opened += 1
            self.open_now += 1
            try:
                if by_headers:  # a request whose headers never end: one line every 10 s
                    writer.write(b"POST /v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    interval, line = self.header_interval, b"X-Trickle: a\r\n"
                else:  # whole headers, then a 5 MB body a few bytes at a time
                    writer.write((f"POST /v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  f"Authorization: Bearer {self.device_token}\r\n"
                                  f"Content-Type: application/json\r\n"
                                  f"Content-Length: {MAX_BODY - 1024}\r\n\r\n{{").encode())
                    interval, line = self.body_interval, b"    "
                await writer.drain()
                while not stop.is_set():
                    try:
                        await asyncio.wait_for(reader.read(1), timeout=interval)
                    except TimeoutError:
                        writer.write(line)
                        await writer.drain()
                        continue
                    break  # the server answered (408) or closed: it gave the slot back
                else:
                    return
                self.closed_by_server += 1
            except (OSError, ssl.SSLError):
                self.closed_by_server += 1
            finally:
                self.open_now -= 1
                writer.close()
                with contextlib.suppress(TimeoutError, OSError, ssl.SSLError):
                    await asyncio.wait_for(writer.wait_closed(), timeout=1)

    async def run(self, ramp_seconds: float, duration: float) -> None:
        tls = ssl.create_default_context(cafile=self.certificate)
        stop = asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                self.samples.append((time.time(), self.open_now))
                await asyncio.sleep(1)
        sampler = asyncio.create_task(sample())
        tasks, began = [], time.monotonic()
        for number in range(self.count):
            tasks.append(asyncio.create_task(self._trickle(number, tls, stop)))
            if number % 50 == 49:
                await asyncio.sleep(max(0.0, began + ramp_seconds * (number + 1) / self.count
                                        - time.monotonic()))
        await asyncio.sleep(max(0.0, began + duration - time.monotonic()))
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)
        await sampler


def _attack_in_a_process(attack: SlowAttack, ramp_seconds: float, duration: float,
                         results: multiprocessing.queues.Queue[SlowAttack]) -> None:
    raise_descriptor_limit()
    # On loopback the attacker shares the server's cores; on the internet it would not. Its
    # own work comes after the server's and the kiosk's, so what is measured is the server.
    os.nice(10)
    asyncio.run(attack.run(ramp_seconds, duration))
    results.put(attack)


@dataclass
class AttackReport:
    count: int
    opened: int
    closed_by_server: int
    refused: int
    held: list[int]  # connections open, second by second, while the kiosk was measured


def slow_attack_with_kiosk(stack: CentralStack, count: int, ramp_seconds: float,
                           measure_seconds: float,
                           processes: int = 2) -> tuple[AttackReport, Legitimate]:
    """`count` slow clients opened over `ramp_seconds`, then a legitimate kiosk measured for
    `measure_seconds` while they hold on."""
    processes = max(1, min(processes, count // 100))
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.queues.Queue[SlowAttack] = context.Queue()
    duration = ramp_seconds + 2 + measure_seconds
    workers = [context.Process(target=_attack_in_a_process, daemon=True, args=(
        SlowAttack(stack.https_port, stack.certificate, stack.device_token,
                   count // processes + (1 if part < count % processes else 0)),
        ramp_seconds, duration, results)) for part in range(processes)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(ramp_seconds + 2)
        kiosk = Legitimate(stack)
        window = time.time()
        kiosk.start()
        time.sleep(measure_seconds)
        kiosk.stop()
        window_end = time.time()
        attacks = [results.get(timeout=duration + 120) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    # Each second of the window, the connections every process had open at its last sample.
    held = []
    for second in range(int(window) + 1, int(window_end) + 1):
        latest = [[open_now for moment, open_now in attack.samples if moment <= second]
                  for attack in attacks]
        if all(latest):
            held.append(sum(samples[-1] for samples in latest))
    return AttackReport(count, sum(a.opened for a in attacks),
                        sum(a.closed_by_server for a in attacks),
                        sum(a.refused for a in attacks), held), kiosk


# Many kiosks at once: every connection open first, then every request sent together.

def simultaneous_kiosks(stack: CentralStack, count: int) -> dict[str, int]:
    request = heartbeat_request(stack.device_token)

    async def one(gate: asyncio.Event, ready: list[int]) -> int:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", stack.https_port, ssl=stack.tls, server_hostname="127.0.0.1")
        except (OSError, ssl.SSLError):
            return -1
        ready.append(1)
        await gate.wait()
        try:
            writer.write(request)
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), timeout=120)
        except (TimeoutError, OSError, ssl.SSLError):
            return 0
        finally:
            writer.close()
        return status_of(answer)

    async def main() -> list[int]:
        gate, ready = asyncio.Event(), []
        tasks = [asyncio.create_task(one(gate, ready)) for _ in range(count)]
        while len(ready) < count and not all(task.done() for task in tasks):
            await asyncio.sleep(0.05)
            if sum(task.done() for task in tasks) + len(ready) >= count:
                break
        gate.set()
        return await asyncio.gather(*tasks)

    statuses = asyncio.run(main())
    found: dict[str, int] = {}
    for status in statuses:
        key = {-1: "not connected", 0: "reset or no answer"}.get(status, str(status))
        found[key] = found.get(key, 0) + 1
    return found


def unauthenticated_bodies(stack: CentralStack, count: int, at_once: int = 50) -> dict[str, int]:
    """`count` bodies of just under 5 MB with no token, `at_once` at a time."""
    body = b"{" + b" " * (MAX_BODY - 1024 - 2) + b"}"
    head = (f"POST /v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode()

    async def one(limit: asyncio.Semaphore) -> int:
        async with limit:
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", stack.https_port, ssl=stack.tls, server_hostname="127.0.0.1")
                writer.write(head + body)
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(), timeout=120)
                writer.close()
            except (TimeoutError, OSError, ssl.SSLError):
                return 0
            return status_of(answer)

    async def main() -> list[int]:
        limit = asyncio.Semaphore(at_once)
        return await asyncio.gather(*(one(limit) for _ in range(count)))

    found: dict[str, int] = {}
    for status in asyncio.run(main()):
        found[str(status)] = found.get(str(status), 0) + 1
    return found


