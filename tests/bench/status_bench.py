"""The citizen's status page and POST /v1/progress on a loopback central (SQLite): how long a
lookup takes, and that a mistyped reference and one never given take about as long (both are
looked up), so timing does not tell them apart either."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import requests

from kiosk.sealing import SealingKey
from kiosk.store.codes import ALPHABET, new_reference

ROUNDS = 300


def _medians_ms(session: requests.Session, url: str, asked: dict[str, str],
                rounds: int) -> dict[str, float]:
    """Each reference's median lookup time, asked in turn (so drift, a busy disk or another
    process, weighs on each the same)."""
    times: dict[str, list[float]] = {name: [] for name in asked}
    for _ in range(rounds):
        for name, reference in asked.items():
            start = time.perf_counter()
            session.get(url, params={"ref": reference}, timeout=10)
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(taken) for name, taken in times.items()}


def bench_status() -> list[dict]:
    os.environ["KIOSK_CENTRAL_STATUS_LOOKUPS"] = str(10 * ROUNDS)  # measure, not be limited
    from sync.central.server import CentralServer
    from sync.central.setup import init_central
    from tests.sync.central.central_kit import sealed_body

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        init = init_central(Path(folder) / "central", "http://127.0.0.1:8765")
        server = CentralServer(Path(folder) / "central", log=lambda line: None).start()
        try:
            key = SealingKey.from_text(init.public_key, init.key_fingerprint)
            headers = {"Authorization": f"Bearer {init.device_token}"}
            known = []
            for _ in range(200):
                body = sealed_body(key, {"name": "made up"})
                body["reference"] = new_reference("LIB01")
                requests.post(server.url + "/v1/submissions", json=body, timeout=10, headers={
                    **headers, "Idempotency-Key": body["instance_id"]}).raise_for_status()
                known.append(body["reference"])
            last = known[0][-1]
            mistyped = known[0][:-1] + ALPHABET[(ALPHABET.index(last) + 1) % len(ALPHABET)]
            page = server.url + "/status"
            with requests.Session() as session:
                medians = _medians_ms(session, page, {
                    "found": known[0], "typo": mistyped, "unknown": new_reference("LIB01")},
                    ROUNDS)
                found, typo, unknown = medians["found"], medians["typo"], medians["unknown"]
                times = []
                for _ in range(50):
                    start = time.perf_counter()
                    session.post(server.url + "/v1/progress", json={"references": known},
                                 headers=headers, timeout=10).raise_for_status()
                    times.append((time.perf_counter() - start) * 1000)
        finally:
            server.stop()
    return [
        {"name": "status page: a known reference p50", "value": found, "unit": "ms"},
        {"name": "status page: a mistyped reference p50", "value": typo, "unit": "ms"},
        {"name": "status page: a reference never given p50", "value": unknown, "unit": "ms"},
        {"name": "status page: mistyped / never given, p50 ratio", "value": typo / unknown,
         "unit": "x", "goal": "0.8 to 1.25"},
        {"name": "POST /v1/progress, 200 references p50", "value": statistics.median(times),
         "unit": "ms"},
    ]


if __name__ == "__main__":
    for row in bench_status():
        print(f"{row['name']}: {row['value']:.2f} {row['unit']}")
