"""Draining a kiosk's queue through a poor rural line, as IT would: `kiosk sync --once` runs
again and again, as a real process, through the fault proxy (BAD_LINK: about 45 % of requests
pass, every path), to a real central service. Shared by tests/sync/test_flaky_link.py and
`make bench` (tests/bench/sync_bench.py), which differ only in size."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.kiosk.store_helpers import fake_submission
from tests.support.central import Central, kiosk_config
from tests.sync.faulty_proxy import ALL_PATHS, BAD_LINK, FaultyProxy

ROOT = Path(__file__).resolve().parents[2]
FIRST_FAULTS = ("pass", "refuse", "cut_after_commit", "server_error", "stall")
STALL_SECONDS = 1.0  # past the kiosk's 0.5 s test timeout (the field's 12 s stall, shortened)


@dataclass
class Drain:
    submitted: dict[str, dict] = field(default_factory=dict)  # instance id -> answers
    delivered_per_run: list[int] = field(default_factory=list)  # as central counted them
    requests: int = 0  # every request that reached the proxy
    faults: dict[str, int] = field(default_factory=dict)
    last_output: str = ""

    @property
    def runs(self) -> int:
        return len(self.delivered_per_run)

    @property
    def delivered(self) -> int:
        return sum(self.delivered_per_run)

    @property
    def requests_per_delivered(self) -> float:
        return self.requests / max(1, self.delivered)


def received(central_dir: Path) -> int:
    conn = sqlite3.connect(f"file:{central_dir / 'central.db'}?mode=ro", uri=True, timeout=10)
    try:
        count: int = conn.execute("SELECT count(*) FROM submissions").fetchone()[0]
        return count
    finally:
        conn.close()


def sync_once(config_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ui.cli", "sync", "--once", "--config",
                           str(config_file)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def drain_through_bad_link(folder: Path, central: Central, count: int, most_runs: int,
                           seed: int, max_batch: int = 50) -> Drain:
    """Queue `count` made-up submissions, then run `kiosk sync --once` until it says everything
    was delivered (exit 0) or `most_runs` have run. `max_batch` is the kiosk's (1: one
    submission a request, as to a service without batches)."""
    drain = Drain()
    # Every fault early (a batch drain makes few requests), then the line's own mix.
    with FaultyProxy(int(central.url.rsplit(":", 1)[1]), seed=seed, rates=BAD_LINK,
                     stall_seconds=STALL_SECONDS, faulty_paths=ALL_PATHS,
                     error_statuses=(503,), first=FIRST_FAULTS) as proxy:
        config = kiosk_config(folder, central, url=proxy.url, max_batch=max_batch)
        with config.open_store() as store:
            for number in range(count):
                visit = fake_submission(number)
                store.outbox.submit(visit)
                drain.submitted[visit["instance_id"]] = visit["answers"]
        for _ in range(most_runs):
            before = received(central.data_dir)
            run = sync_once(folder / "kiosk.toml")
            drain.delivered_per_run.append(received(central.data_dir) - before)
            drain.last_output = run.stdout + run.stderr
            if run.returncode == 0:
                break
            if run.returncode != 1:  # 1: "something is left", anything else is a crash
                raise AssertionError(drain.last_output)
        drain.requests = proxy.requests
        drain.faults = dict(proxy.counts)
    return drain
