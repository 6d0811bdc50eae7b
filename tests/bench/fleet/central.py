"""A central service for the fleet: its data folder set up and the fleet's devices enrolled with
the central's own code, and the service started (`start_central`, the one place that says how)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sync.central.server import CentralServer
from sync.central.setup import InitResult, add_device, init_central

from .simulation import Fleet

FORMS = Path(__file__).resolve().parents[3] / "assets" / "forms"
SERVED_FORMS = ("report_problem.yaml", "market_square_consultation.yaml")  # what the fleet sends
# The central the bench plays against. Issue 22 wants gunicorn with 4 workers on PostgreSQL:
# a kind for it goes in start_central once the Django server and tests/support/postgres.py are in.
BENCH_KIND = "threaded-sqlite"


def prepare_central(data_dir: Path, kiosks: int) -> Fleet:
    """`kiosk central init`, the forms the fleet fills in, and a device for each kiosk."""
    init = init_central(data_dir, "http://127.0.0.1:8765")
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
    problems: list[str] = field(default_factory=list)  # the service's log lines about failures
    started_cpu: float = 0.0

    def cpu_seconds(self) -> float:
        """The service's CPU time so far (user and system)."""
        return time.process_time() - self.started_cpu


@contextmanager
def start_central(kind: str, data_dir: Path) -> Iterator[RunningCentral]:
    """The central over `data_dir`, listening on loopback, stopped on leaving.

    threaded-sqlite: today's sync.central.server.CentralServer, in this process (so this
    process's CPU time is the service's: run the fleet in another process).
    """
    if kind != "threaded-sqlite":
        raise ValueError(f"no central of kind {kind!r}")
    problems: list[str] = []

    def log(line: str) -> None:  # a line per request would cost the service more than it serves
        if " error on " in line or " failed: " in line:
            problems.append(line)

    server = CentralServer(data_dir, log=log).start()
    try:
        yield RunningCentral(server.url, kind, problems, time.process_time())
    finally:
        server.stop()
