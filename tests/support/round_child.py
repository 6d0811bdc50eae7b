"""One sync round in a process of its own, measured: how long it took and how much its peak
memory grew, with what the round said. For the deadline and size-cap tests and `make bench`
(a process of its own, so the peak is the round's and not the whole test run's).

`waiting_kiosk` makes a kiosk with submissions waiting for a destination at `url` (a sealing
key made up here, so no central service needs to run); `measure_round` runs
`python -m tests.support.round_child CONFIG` on it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def waiting_kiosk(folder: Path, url: str, waiting: int = 1, **settings: object) -> Path:
    """A kiosk's config file sending to `url`, with `waiting` made-up submissions queued.
    `settings`: top-level keys as they are, destination keys with a `destination_` prefix."""
    from kiosk.config import load_config
    from sync.central.setup import init_central
    from tests.kiosk.store_helpers import fake_submission

    init = init_central(folder / "central-keys", "http://127.0.0.1:8765", device_id="hall-7")
    destination = {"url": url, "device_id": init.device_id, "token": init.device_token,
                   "key_fingerprint": init.key_fingerprint, "public_key": init.public_key,
                   "receipt_key": init.receipt_key,
                   "retry_first_seconds": 0.01, "retry_max_seconds": 0.05}
    top = {"site_id": "HALL7", "data_dir": str(folder / "kiosk")}
    for key, value in settings.items():
        if key.startswith("destination_"):
            destination[key.removeprefix("destination_")] = value
        else:
            top[key] = value
    lines = [f"{key} = {json.dumps(value)}" for key, value in top.items()]
    lines += ["", "[destinations.central]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in destination.items()]
    file = folder / "kiosk.toml"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with load_config(file, environ={}).open_store() as store:
        for number in range(waiting):
            store.outbox.submit(fake_submission(number))
    return file


def measure_round(config_file: Path, timeout: float = 300) -> dict:
    """Run one round (`send_all`, as `kiosk sync --once`) in a child process; what it says:
    seconds, peak_growth_mb, delivered, retried, waiting, state, message."""
    done = subprocess.run([sys.executable, "-m", "tests.support.round_child", str(config_file)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _round(config_file: str) -> dict:
    from kiosk.config import load_config
    from sync.sealers import sealers_for
    from sync.worker import SyncWorker

    config = load_config(config_file, environ={})
    store = config.open_store(sealers=sealers_for(config))
    worker = SyncWorker(store, config)
    try:
        before = _peak_mb()
        start = time.monotonic()
        result = worker.run_once(send_all=True)
        seconds = time.monotonic() - start
        grown = _peak_mb() - before
    finally:
        worker.close()
        store.close()
    central = result.destinations.get("central")
    return {"seconds": seconds, "peak_growth_mb": grown, "delivered": result.delivered,
            "retried": central.retried if central else 0, "waiting": result.waiting,
            "state": central.state if central else "not tried",
            "message": central.message if central else ""}


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(_round(sys.argv[1])))
