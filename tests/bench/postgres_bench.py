"""The throwaway PostgreSQL the tests run on (tests/support/postgres.py): how long a server
takes to start (initdb to accepting connections) and to stop, paid once per test session, and
how long a fresh database takes to make and to drop, paid by every test on PostgreSQL."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run alone: python tests/bench/postgres_bench.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.postgres import PostgresServer  # noqa: E402

STARTS = 3
DATABASES = 30


def bench_postgres() -> list[dict[str, object]]:
    starts, stops, creates, drops = [], [], [], []
    for number in range(STARTS):
        began = time.perf_counter()
        server = PostgresServer().start()
        starts.append(time.perf_counter() - began)
        try:
            for _ in range(DATABASES if number == 0 else 0):
                began = time.perf_counter()
                url = server.create_database()
                creates.append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                server.drop_database(url)
                drops.append((time.perf_counter() - began) * 1000)
        finally:
            began = time.perf_counter()
            server.stop()
            stops.append(time.perf_counter() - began)
    return [
        {"name": f"postgres (tests): start, initdb to ready, p50 of {STARTS}",
         "value": statistics.median(starts), "unit": "s"},
        {"name": f"postgres (tests): stop, p50 of {STARTS}",
         "value": statistics.median(stops), "unit": "s"},
        {"name": f"postgres (tests): fresh database p50 of {DATABASES}",
         "value": statistics.median(creates), "unit": "ms"},
        {"name": f"postgres (tests): drop a database p50 of {DATABASES}",
         "value": statistics.median(drops), "unit": "ms"},
    ]


if __name__ == "__main__":
    for row in bench_postgres():
        print(f"{row['name']:<50}  {row['value']:>8.3f}  {row['unit']}")
