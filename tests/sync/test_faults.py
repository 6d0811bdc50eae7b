"""Exactly once over a bad link, with the worker killed mid-run.

1,000 sealed submissions go through a proxy that drops requests, answers 5xx, stalls past the
timeout and cuts answers after the server committed, while `kiosk sync --once` is SIGKILLed
several times mid-run. The central service must end with each submission exactly once, each
decrypting to what the citizen submitted, and the kiosk must know every one was delivered.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sync.central.export import export_submissions
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.sync.faulty_proxy import FAULTS, FaultyProxy

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = 1000
KILLS = 5
DEADLINE_SECONDS = 240
SEED = int(os.environ.get("KIOSK_FAULT_SEED", "5"))  # another seed: another storm, same promise


def _received(central_dir: Path) -> int:
    conn = sqlite3.connect(f"file:{central_dir / 'central.db'}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM submissions").fetchone()[0]
    finally:
        conn.close()


def _sync_once(config_file: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ui.cli", "sync", "--once", "--config",
                             str(config_file)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_a_thousand_submissions_arrive_exactly_once_through_faults_and_kills(tmp_path, central):
    central.log.clear()
    port = int(central.url.rsplit(":", 1)[1])
    rng = random.Random(SEED)
    # Every fault at least once, early: batches of 50 make only a few dozen requests.
    with FaultyProxy(port, seed=SEED, stall_seconds=1.0, first=FAULTS) as proxy:
        config = kiosk_config(tmp_path, central, url=proxy.url)
        config_file = tmp_path / "kiosk.toml"
        submitted: dict[str, dict] = {}
        with config.open_store() as store:
            for number in range(SUBMISSIONS):
                visit = fake_submission(number)
                visit["answers"]["details"] = f"only-{number}-{uuid.uuid4().hex}"
                store.outbox.submit(visit)
                submitted[visit["instance_id"]] = visit["answers"]

        kills_mid_run, runs, started = 0, 0, time.monotonic()
        while True:
            assert time.monotonic() - started < DEADLINE_SECONDS, "the queue never drained"
            runs += 1
            child = _sync_once(config_file)
            if kills_mid_run < KILLS:
                before = _received(central.data_dir)
                # Wait until this run is visibly sending, then kill it at a random moment
                # soon after (a batch of 50 takes tens of milliseconds).
                while child.poll() is None and _received(central.data_dir) == before:
                    time.sleep(0.005)
                time.sleep(rng.uniform(0.0, 0.08))
                if child.poll() is None:
                    child.send_signal(signal.SIGKILL)
                    child.wait()
                    child.stderr.close()
                    kills_mid_run += 1
                    continue
            _, errors = child.communicate(timeout=120)
            if child.returncode == 0:
                break
            assert child.returncode == 1, errors.decode()  # "something is left": try again

    assert kills_mid_run == KILLS
    for fault in FAULTS:  # every kind of trouble really happened
        assert proxy.counts[fault] > 0, proxy.counts
    received = list(export_submissions(central.data_dir))
    assert len(received) == SUBMISSIONS
    assert len({row["instance_id"] for row in received}) == SUBMISSIONS
    for row in received:
        assert row["answers"] == submitted[row["instance_id"]]
    with config.open_store() as store:
        status = store.status()
    assert status["submissions"]["delivered"] == SUBMISSIONS
    assert status["submissions"]["queued"] == status["submissions"]["sending"] == 0
    assert status["integrity"] == "ok" and status["audit_chain_ok"]
    print(f"\nseed {SEED}: {runs} runs, {kills_mid_run} killed mid-run, faults: {dict(proxy.counts)}")
