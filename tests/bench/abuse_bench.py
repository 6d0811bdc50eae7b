"""The central's documented deployment under abuse (issue 22): nginx with TLS in front of
gunicorn (build/central/, sync/central/web/gunicorn_conf.py), attacked on loopback.

- 5,000 slow clients (half trickle a header line every 10 s, half a 5 MB body a few bytes
  every 5 s), reopened as nginx closes them, while a kiosk sends heartbeats: its p95.
- 500 kiosks sending at the same instant: how many are answered.
- 300 bodies of 5 MB with no token: the largest growth of a gunicorn worker's peak memory.

Run alone: python tests/bench/abuse_bench.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.abuse import (  # noqa: E402
    memory_kb,
    simultaneous_kiosks,
    slow_attack_with_kiosk,
    unauthenticated_bodies,
)
from tests.support.central_stack import central_stack, raise_descriptor_limit  # noqa: E402

SLOW_CLIENTS = 5_000
KIOSKS_AT_ONCE = 500
BIG_BODIES = 300


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_abuse() -> list[dict[str, object]]:
    limit = raise_descriptor_limit()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder, \
            central_stack(Path(folder)) as stack:
        attack, kiosk = slow_attack_with_kiosk(stack, SLOW_CLIENTS, ramp_seconds=25,
                                               measure_seconds=40)
        held = attack.held
        rows.append({"name": f"slow clients held open during the measurement (of {SLOW_CLIENTS:,}), least",
                     "value": min(held) if held else 0, "unit": "conn"})
        rows.append({"name": f"slow clients held open during the measurement (of {SLOW_CLIENTS:,}), mean",
                     "value": statistics.mean(held) if held else 0, "unit": "conn"})
        rows.append({"name": "slow clients that could not connect (handshake refused or timed out)",
                     "value": attack.refused, "unit": "conn"})
        rows.append({"name": "slow clients closed by nginx's timeouts and reopened",
                     "value": attack.closed_by_server, "unit": "conn"})
        latencies = kiosk.latencies_ms or [float("inf")]
        rows.append({"name": f"kiosk heartbeat p50 under {SLOW_CLIENTS:,} slow clients",
                     "value": statistics.median(latencies), "unit": "ms"})
        rows.append({"name": f"kiosk heartbeat p95 under {SLOW_CLIENTS:,} slow clients",
                     "value": _percentile(latencies, 0.95), "unit": "ms", "goal": "< 1000"})
        rows.append({"name": f"kiosk heartbeats failed under {SLOW_CLIENTS:,} slow clients",
                     "value": len(kiosk.failures), "unit": "req", "goal": "0"})
        answered = simultaneous_kiosks(stack, KIOSKS_AT_ONCE)
        rows.append({"name": f"{KIOSKS_AT_ONCE} kiosks at once: answered 200",
                     "value": answered.get("200", 0), "unit": "req",
                     "goal": f"{KIOSKS_AT_ONCE}"})
        workers = stack.worker_pids()
        peak = {pid: memory_kb(pid) for pid in workers}
        refused = unauthenticated_bodies(stack, BIG_BODIES)
        growth = max(memory_kb(pid) - peak[pid] for pid in workers) / 1024
        rows.append({"name": f"{BIG_BODIES} unauthenticated 5 MB bodies: answered 401",
                     "value": refused.get("401", 0), "unit": "req", "goal": f"{BIG_BODIES}"})
        rows.append({"name": f"{BIG_BODIES} unauthenticated 5 MB bodies: a worker's peak memory growth",
                     "value": growth, "unit": "MB", "goal": "< 8"})
    rows.append({"name": "file descriptors the attacking process could open", "value": limit,
                 "unit": "fd"})
    return rows


if __name__ == "__main__":
    for row in bench_abuse():
        print(f"{row['name']:<80} {row['value']:>10.1f} {row['unit']}  {row.get('goal', '')}")
