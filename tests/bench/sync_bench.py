"""Draining the outbox to a loopback central service, beside a plain `requests` loop.

The plain loop posts the same kind of sealed payloads (same answers, its own instance ids, so
neither side meets the other's replays) one by one on a keep-alive session: the least any
client could do. The worker does everything a kiosk must on top: claim from SQLite, record
each receipt durably, schedule retries. Both drain into the same server, one after the other.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from pathlib import Path

import requests

from kiosk.config import Config, Destination
from sync.central.server import CentralServer
from sync.central.setup import init_central
from sync.worker import SyncWorker

COUNT = 10_000


def _visit(number: int) -> dict:
    return {"instance_id": f"uuid:{uuid.uuid4()}", "form_id": "report_problem",
            "form_version": "1", "language": "en", "started_at": "2026-11-27T10:00:00+00:00",
            "completed_at": "2026-11-27T10:05:00+00:00", "instance_name": f"Bench {number}",
            "answers": {"location": f"Bench Street {number}", "urgency": "not_urgent",
                        "details": "x" * 400},
            "receipt": []}


def _plain_bodies(key, count: int) -> list[tuple[str, dict]]:
    bodies = []
    for number in range(count):
        visit = _visit(number)
        envelope = json.loads(key.seal(json.dumps(visit, separators=(",", ":")).encode(),
                                       visit["instance_id"]))
        bodies.append((visit["instance_id"], {
            "instance_id": visit["instance_id"], "reference": f"PLAIN-{number}",
            "form_id": visit["form_id"], "form_version": visit["form_version"],
            "device_id": "bench", "created_at": "2026-11-27T10:05:00+00:00",
            "envelope": envelope}))
    return bodies


def bench_drain(count: int = COUNT) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-") as folder:
        folder = Path(folder)
        init = init_central(folder / "central", "http://127.0.0.1:8765", device_id="bench")
        server = CentralServer(folder / "central", log=lambda line: None).start()
        try:
            destination = Destination(url=server.url, device_id="bench", token=init.device_token,
                                      public_key=init.public_key,
                                      key_fingerprint=init.key_fingerprint)
            config = Config(data_dir=folder / "kiosk", site_id="BENCH",
                            destinations={"central": destination})
            store = config.open_store()
            key = store.outbox.sealers["central"]
            for number in range(count):
                store.outbox.submit(_visit(number))
            bodies = _plain_bodies(key, count)

            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {init.device_token}"
                start = time.perf_counter()
                for instance_id, body in bodies:
                    answer = session.post(f"{server.url}/v1/submissions", json=body, timeout=20,
                                          headers={"Idempotency-Key": instance_id})
                    assert answer.status_code == 201, answer.text
                plain = time.perf_counter() - start

            worker = SyncWorker(store, config)
            try:
                start = time.perf_counter()
                result = worker.run_once(send_all=True)
                drained = time.perf_counter() - start
            finally:
                worker.close()
            assert result.delivered == count and result.waiting == 0, result
            store.close()
        finally:
            server.stop()
    return {"plain": plain, "worker": drained}
