"""A central service for the fleet: its data folder set up and the fleet's devices enrolled with
the central's own code, and the service started (`start_central`, the one place that says how)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from sync.central.server import CentralServer
from sync.central.setup import InitResult, add_device, init_central

from .simulation import Fleet

ROOT = Path(__file__).resolve().parents[3]
FORMS = ROOT / "assets" / "forms"
SERVED_FORMS = ("report_problem.yaml", "market_square_consultation.yaml")  # what the fleet sends
# The central `make bench` plays against. Issue 22 wants gunicorn with 4 workers on PostgreSQL:
# that is one more kind in start_central (its command and environment) once the Django server
# and tests/support/postgres.py are in, and this name switched to it.
BENCH_KIND = "serve-postgres"
WORKERS = 4
# As a council's server runs it: every commit on disk before the answer (the tests' own
# throwaway PostgreSQL skips that).
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
           "max_connections": "300"}
START_SECONDS = 30


def prepare_central(data_dir: Path, kiosks: int, database_url: str | None = None) -> Fleet:
    """`kiosk central init`, the forms the fleet fills in, and a device for each kiosk."""
    init = init_central(data_dir, "http://127.0.0.1:8765", database_url=database_url)
    for name in SERVED_FORMS:
        shutil.copy(FORMS / name, data_dir / "forms" / name)
    return enrol_fleet(data_dir, init, kiosks)


def enrol_fleet(data_dir: Path, init: InitResult, kiosks: int) -> Fleet:
    """A device and its token for each kiosk (fleet-0000, ...), as `kiosk central add-device`
    makes them."""
    devices = {f"fleet-{number:04d}": add_device(data_dir, f"fleet-{number:04d}")
               for number in range(kiosks)}
    return Fleet(init.admin_token, init.public_key, init.key_fingerprint, init.receipt_key,
                 devices)


@dataclass
class RunningCentral:
    url: str
    kind: str
    cpu_seconds: Callable[[], float]  # the service's CPU time so far, user and system
    problems: Callable[[], list[str]]  # the service's log lines about failures


@contextmanager
def start_central(kind: str, data_dir: Path) -> Iterator[RunningCentral]:
    """The central over `data_dir`, listening on loopback, stopped on leaving.

    serve-postgres, serve-sqlite: `kiosk central serve` (gunicorn, WORKERS workers) in its own
    process, on the database the folder was set up with (PostgreSQL or SQLite), its log in a
    file beside the data folder.
    threaded-sqlite: the same server in this process (its CPU is then this process's: run the
    fleet in another one).
    """
    if kind == "threaded-sqlite":
        with _in_this_process(data_dir) as central:
            yield central
    elif kind in ("serve-sqlite", "serve-postgres"):
        port = _free_port()
        command = [sys.executable, "-m", "sync.central", "serve", "--data-dir", str(data_dir),
                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
        with _served(kind, command, {}, port, data_dir.parent / "central.log") as central:
            yield central
    else:
        raise ValueError(f"no central of kind {kind!r}")


def _failures(lines: list[str]) -> list[str]:
    return [line for line in lines if " error on " in line or " failed: " in line]


@contextmanager
def _in_this_process(data_dir: Path) -> Iterator[RunningCentral]:
    problems: list[str] = []

    def log(line: str) -> None:  # a line per request would cost the service more than it serves
        problems.extend(_failures([line]))

    server = CentralServer(data_dir, log=log).start()
    try:
        yield RunningCentral(server.url, "threaded-sqlite", time.process_time,
                             lambda: list(problems))
    finally:
        server.stop()


@contextmanager
def _served(kind: str, command: list[str], environment: dict[str, str], port: int,
            log_file: Path) -> Iterator[RunningCentral]:
    """`command` run until it answers /health on `port`; stopped with SIGTERM (by its id)."""
    url = f"http://127.0.0.1:{port}"
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment},
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        _wait_for_health(url, process, log_file)
        yield RunningCentral(url, kind, lambda: _tree_cpu_seconds(process.pid), lambda: _failures(
            log_file.read_text(encoding="utf-8", errors="replace").splitlines()))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log_file: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"the central did not start:\n{log_file.read_text(errors='replace')}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process and every process below it, from /proc: a
    gunicorn master's workers included."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        # after "pid (name)": state ppid ... utime (field 14) stime (15), so 11 and 12 here
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, added = {pid}, True
    while added:
        below = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= below
        added = bool(below)
    return sum(times.get(member, 0.0) for member in tree)
