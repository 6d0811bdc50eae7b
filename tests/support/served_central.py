"""The central as sites run it, for the browser tests and the console's screenshots: `kiosk
central serve --workers 4` (gunicorn) over a data folder, in its own process, on a free
loopback port; and staff accounts made by `kiosk central add-staff`, as IT makes them."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def central_command(*arguments: str) -> list[str]:
    """`kiosk central ...` without Qt: sync.central's own entry, the same commands."""
    return [sys.executable, "-m", "sync.central", *arguments]


@contextlib.contextmanager
def served(folder: Path, workers: int = 4) -> Iterator[str]:
    """The service's URL while gunicorn serves `folder`; stopped with SIGTERM by its id (its
    workers end with it), killed only if it will not stop."""
    with serving_process(folder, workers) as (url, _):
        yield url


@contextlib.contextmanager
def serving_process(folder: Path, workers: int = 4,
                    ) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """As `served`, with the master's process (its workers are its children)."""
    process = subprocess.Popen(
        central_command("serve", "--data-dir", str(folder), "--port", "0",
                        "--workers", str(workers)),
        cwd=ROOT, stderr=subprocess.PIPE, text=True)
    reader = None
    try:
        first = process.stderr.readline() if process.stderr else ""
        if "listening on http://" not in first:
            rest = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"the central did not start: {first}{rest}")
        # Read on, so a full pipe never stops a worker that logs a request.
        tail: deque[str] = deque(maxlen=200)
        reader = threading.Thread(target=tail.extend, args=(process.stderr,), daemon=True)
        reader.start()
        yield first.split("listening on ", 1)[1].split()[0], process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if reader is not None:
            reader.join(timeout=10)
        if process.stderr:
            process.stderr.close()


def child_processes(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (gunicorn's master: its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def started_workers(pid: int, count: int) -> list[int]:
    """gunicorn's workers once `count` have started (they start just after the master says
    it is listening); fewer after 30 seconds."""
    deadline = time.monotonic() + 30
    while len(found := child_processes(pid)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def add_staff(folder: Path, username: str, role: str, password: str) -> None:
    """`kiosk central add-staff --password-stdin`: the account IT hands over."""
    done = subprocess.run(
        central_command("add-staff", "--data-dir", str(folder), "--username", username,
                        "--role", role, "--password-stdin"),
        cwd=ROOT, input=password + "\n", capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"add-staff {username} failed: {done.stderr}")
