"""Pull the plug: a process submitting in a loop is killed at random moments, many times.

Every reference it printed must be stored whole, the database must pass integrity_check,
and every submission must have its outbox entry and every outbox entry its submission."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.store import Store
from ui.cli import main

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 50


def run_and_kill(database: Path, rng: random.Random) -> list[str]:
    child = subprocess.Popen([sys.executable, str(CHILD), str(database)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    printed = [child.stdout.readline()]  # wait until it is submitting
    time.sleep(rng.uniform(0, 0.05))  # then pull the plug at a random moment
    os.kill(child.pid, signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err
    printed += out.splitlines(keepends=True)
    # A line counts once it is whole: the reference was committed before it was written.
    return [line.strip() for line in printed if line.endswith("\n")]


def test_nothing_printed_is_ever_lost_or_half_written(tmp_path, monkeypatch, capsys):
    database = tmp_path / "kiosk.db"
    rng = random.Random(20261127)
    printed: list[str] = []
    for _ in range(KILLS):
        printed += run_and_kill(database, rng)
    assert len(printed) >= KILLS
    with Store(database) as store:
        assert not store.warnings  # never needed to set a damaged database aside
        status = store.status()
        assert status["integrity"] == "ok"
        for line in printed:
            reference, instance_id, number = line.split()
            stored = store.outbox.submission(reference)
            assert stored is not None, f"{reference} was printed but is not stored"
            assert stored["instance_id"] == instance_id
            assert stored["answers"]["location"] == f"Test Street {number}"
        conn = store.reader()
        orphans = conn.execute("SELECT count(*) FROM submissions s LEFT JOIN outbox o"
                               " ON o.submission_id = s.id WHERE o.submission_id IS NULL").fetchone()
        widows = conn.execute("SELECT count(*) FROM outbox o LEFT JOIN submissions s"
                              " ON s.id = o.submission_id WHERE s.id IS NULL").fetchone()
        total = conn.execute("SELECT count(*) FROM submissions").fetchone()[0]
        conn.close()
        assert orphans == (0,) and widows == (0,)
        # Killed after a commit but before the print: stored and not printed is fine.
        assert total >= len(printed)
        assert status["submissions"]["queued"] == total
    # What IT sees afterwards says the same.
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["healthy"] and shown["integrity"] == "ok" and shown["audit_chain_ok"]
    assert shown["submissions"] == {"queued": total, "sending": 0, "delivered": 0, "rejected": 0}
