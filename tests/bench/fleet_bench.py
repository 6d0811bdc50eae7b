"""`make bench`'s fleet rows: 1,000 kiosks played against a central on loopback (tests/bench/
fleet/), the fleet in its own process so its CPU is not the service's.

Run alone: python tests/bench/fleet_bench.py [--kiosks N --seconds S --kind K], and any option
of `python -m tests.bench.fleet` (--speedup, --cold-start, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from tests.bench.fleet.central import (  # noqa: E402
    BENCH_KIND,
    DURABLE,
    prepare_central,
    start_central,
)
from tests.bench.fleet.simulation import Workload  # noqa: E402
from tests.support.postgres import PostgresServer  # noqa: E402

SUBMIT_P95_GOAL_MS = 200


def bench_fleet(kiosks: int = Workload.kiosks, seconds: float = Workload.seconds,
                kind: str = BENCH_KIND, client_options: tuple[str, ...] = (),
                ) -> tuple[list[dict[str, Any]], str, str]:
    """The rows for run.py's table, a note on what was run and what failed, and the fleet's
    whole report (every answer and error by kind)."""
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        data, fleet_file, out = Path(folder) / "central", Path(folder) / "fleet.json", \
            Path(folder) / "fleet-report.json"
        database_url = None
        if kind.endswith("postgres"):
            database_url = stack.enter_context(PostgresServer(settings=DURABLE)).create_database()
        prepare_central(data, kiosks, database_url).save(fleet_file)
        with start_central(kind, data) as central:
            before, started = central.cpu_seconds(), time.monotonic()
            played = subprocess.run(
                [sys.executable, "-m", "tests.bench.fleet", "--url", central.url,
                 "--fleet", str(fleet_file), "--kiosks", str(kiosks), "--seconds", str(seconds),
                 "--json", str(out), *client_options],
                cwd=ROOT, capture_output=True, text=True,
                timeout=seconds + Workload.grace_seconds + 600)
            # over the fleet's whole run: its start, play and check of the central's store
            server_cpu = (central.cpu_seconds() - before) / (time.monotonic() - started)
            problems = central.problems()
        if not out.exists():
            raise RuntimeError(f"the fleet did not report:\n{played.stdout}\n{played.stderr}")
        result = json.loads(out.read_text(encoding="utf-8"))
    ms = result["submit_ms"]
    rows = [
        {"name": "fleet: submit p50", "value": ms["p50"], "unit": "ms"},
        {"name": "fleet: submit p95", "value": ms["p95"], "unit": "ms",
         "goal": f"< {SUBMIT_P95_GOAL_MS}"},
        {"name": "fleet: submit p99", "value": ms["p99"], "unit": "ms"},
        {"name": "fleet: requests per second", "value": result["requests_per_second"],
         "unit": "/s"},
        {"name": "fleet: errors", "value": result["error_count"], "unit": "", "goal": "0"},
        {"name": "fleet: lost", "value": result["lost"], "unit": "", "goal": "0"},
        {"name": "fleet: doubled", "value": result["doubled"], "unit": "", "goal": "0"},
        {"name": "fleet: client CPU (its own process)", "value": result["client_cpu_share"] * 100,
         "unit": "%"},
        {"name": "fleet: service CPU", "value": server_cpu * 100,
         "unit": "%"},
    ]
    errors = ", ".join(f"{kind_}: {count}" for kind_, count in result["errors"].items())
    note = (f"fleet ({kind}): {result['described']}; {result['submissions']} submissions, "
            f"{result['replays_checked']} replays answered with their first receipt"
            + (f"; errors: {errors}" if errors else "")
            + (f"; the service logged {len(problems)} failures, first: {problems[0]}"
               if problems else ""))
    return rows, note, played.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosks", type=int, default=Workload.kiosks)
    parser.add_argument("--seconds", type=float, default=Workload.seconds)
    parser.add_argument("--kind", default=BENCH_KIND, help="see start_central")
    args, client_options = parser.parse_known_args()  # the rest: for the fleet (--speedup ...)
    rows, note, report = bench_fleet(args.kiosks, args.seconds, args.kind, tuple(client_options))
    print(report)
    for row in rows:
        print(f"{row['name']:<40} {row['value']:>10.3f}  {row['unit']:<4}  {row.get('goal', '')}")
    print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
